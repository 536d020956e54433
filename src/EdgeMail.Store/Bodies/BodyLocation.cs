namespace EdgeMail.Store.Bodies;

/// <summary>Where a body's bytes are: a range of a segment file, or a file of its own.</summary>
internal readonly record struct BodyLocation(long? Segment, long Offset, long Length, string? File);
