namespace EdgeMail.Store.Messages;

/// <summary>The outcome of an append (RFC 4315 APPENDUID needs both numbers).</summary>
public sealed record AppendResult(long MailboxId, uint UidValidity, uint Uid, ulong ModSeq, long Size);
