namespace EdgeMail.Benchmarks.Store;

/// <summary>The body layouts <see cref="LayoutModel"/> writes.</summary>
internal enum LayoutKind
{
    PerFile,
    PerFileGrouped,
    Segment,
}
