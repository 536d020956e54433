namespace EdgeMail.Store.Messages;

/// <summary>The outcome of a copy or move (RFC 4315 COPYUID): source UIDs and the UIDs they got, in order.</summary>
public sealed record CopyResult(uint DestinationUidValidity, IReadOnlyList<uint> SourceUids, IReadOnlyList<uint> DestinationUids);
