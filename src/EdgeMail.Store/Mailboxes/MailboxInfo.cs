namespace EdgeMail.Store.Mailboxes;

/// <summary>A mailbox as the protocols see it (RFC 9051 §2.3.1.1 UIDVALIDITY/UIDNEXT; RFC 7162 §3.1.1 HIGHESTMODSEQ).</summary>
public sealed record MailboxInfo(
    long Id,
    long AccountId,
    string Name,
    uint UidValidity,
    uint UidNext,
    ulong HighestModSeq,
    SpecialUse SpecialUse,
    bool Subscribed);

/// <summary>Counts for STATUS (RFC 9051 §6.3.11): MESSAGES, UNSEEN, DELETED, SIZE, plus the mailbox's own numbers.</summary>
public sealed record MailboxStatus(
    MailboxInfo Mailbox,
    long Messages,
    long Unseen,
    long Deleted,
    long Size);
