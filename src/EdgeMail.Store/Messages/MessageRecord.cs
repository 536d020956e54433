namespace EdgeMail.Store.Messages;

/// <summary>
/// One message in one mailbox. Keywords are sorted and distinct. BodyLength is the exact size in
/// octets of the stored message (RFC822.SIZE); the summary is loaded separately, only when asked for.
/// </summary>
public sealed record MessageRecord(
    long MailboxId,
    uint Uid,
    ulong ModSeq,
    MessageFlags Flags,
    IReadOnlyList<string> Keywords,
    DateTimeOffset InternalDate,
    long Size,
    long BodyId);
