namespace EdgeMail.Store.Messages;

/// <summary>A message whose flags a STORE changed, with its new state and MODSEQ (RFC 7162 §3.2).</summary>
public sealed record FlagChange(uint Uid, MessageFlags Flags, IReadOnlyList<string> Keywords, ulong ModSeq);

/// <summary>
/// The outcome of a flag store: what changed, and (RFC 7162 §3.2 UNCHANGEDSINCE) the UIDs that were
/// not changed because they had been modified after the client's MODSEQ.
/// </summary>
public sealed record StoreFlagsResult(IReadOnlyList<FlagChange> Changed, IReadOnlyList<uint> Modified);
