namespace EdgeMail.Store.Fetch;

/// <summary>
/// Where a fetched message came from: the fetch account, the remote folder, and the message's remote identity (IMAP:
/// the folder's UIDVALIDITY and the UID, RFC 9051 §2.3.1.1; POP3: the UIDL, RFC 1939 §7, with UidValidity 0), with the
/// fallback key that survives a UIDVALIDITY change (Message-ID, the remote RFC822.SIZE and date). Recorded in the
/// transaction that commits the local copy, so that the message is either here and known, or neither.
/// </summary>
public sealed record FetchOrigin(
    long FetchAccountId,
    string Folder,
    long UidValidity,
    string Key,
    string? MessageId,
    long RemoteSize,
    DateTimeOffset? RemoteDate,
    bool RemoteActionPending);

/// <summary>A remote message recorded as fetched: its identity, fallback key, and whether the remote action is still to do.</summary>
public sealed record FetchSeen(
    string Folder,
    long UidValidity,
    string Key,
    string? MessageId,
    long RemoteSize,
    DateTimeOffset? RemoteDate,
    bool RemoteActionPending);
