namespace EdgeMail.Store.Mailboxes;

/// <summary>Special-use attributes (RFC 6154 §2); at most one per mailbox here.</summary>
public enum SpecialUse
{
    None = 0,
    All,
    Archive,
    Drafts,
    Flagged,
    Junk,
    Sent,
    Trash,
}
