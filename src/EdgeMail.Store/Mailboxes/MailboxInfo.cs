namespace EdgeMail.Store.Mailboxes;

/// <summary>
/// A mailbox as the protocols see it (RFC 9051 §2.3.1.1 UIDVALIDITY/UIDNEXT; RFC 7162 §3.1.1 HIGHESTMODSEQ).
/// RecentUid: the first UID no IMAP4rev1 session has claimed as \Recent yet (RFC 3501 §2.3.2).
/// </summary>
public sealed record MailboxInfo(
    long Id,
    long AccountId,
    string Name,
    uint UidValidity,
    uint UidNext,
    ulong HighestModSeq,
    SpecialUse SpecialUse,
    bool Subscribed,
    uint RecentUid = 1);

/// <summary>
/// Counts for STATUS (RFC 9051 §6.3.11): MESSAGES, UNSEEN, DELETED, SIZE, plus the mailbox's own numbers; Recent counts
/// the messages no session has claimed as \Recent (RFC 3501 §6.3.10).
/// </summary>
public sealed record MailboxStatus(
    MailboxInfo Mailbox,
    long Messages,
    long Unseen,
    long Deleted,
    long Size,
    long Recent = 0);
