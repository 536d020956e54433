namespace EdgeMail.Store.Fetch;

/// <summary>Which protocol a provider's mailbox is read with.</summary>
public enum FetchProtocol
{
    Imap,
    Pop3,
}

/// <summary>
/// How the link to the provider is protected: TLS from the first byte (IMAPS 993, POP3S 995, RFC 8314 §3.3), or the
/// plain port upgraded by STARTTLS/STLS before any password is sent (RFC 9051 §6.2.1, RFC 2595 §4). There is no
/// plaintext choice: the password would cross the line in the clear.
/// </summary>
public enum FetchSecurity
{
    Tls,
    StartTls,
}

/// <summary>What happens on the provider's side to a message once its local copy is committed.</summary>
public enum FetchRemoteAction
{
    /// <summary>Left where it is (the default): the provider's webmail still shows it.</summary>
    Keep,

    /// <summary>Deleted (IMAP: \Deleted and UID EXPUNGE; POP3: DELE, committed by QUIT).</summary>
    Delete,

    /// <summary>Moved to another remote folder (IMAP only).</summary>
    Move,
}

/// <summary>
/// A provider's mailbox that the box pulls into a local account, kept in the store (the configuration file is a
/// package conffile the service never rewrites). The password is sealed at rest and not part of this record: see
/// <see cref="MailStore.GetFetchPasswordAsync"/>.
/// </summary>
public sealed record FetchAccount(
    long Id,
    string Name,
    FetchProtocol Protocol,
    string Host,
    int Port,
    FetchSecurity Security,
    string User,
    long AccountId,
    string AccountAddress,
    string Mailbox,
    TimeSpan Interval,
    IReadOnlyList<string> Folders,
    FetchRemoteAction RemoteAction,
    string? MoveTo,
    bool InsecureTls,
    DateTimeOffset Created,
    FetchState State)
{
    /// <summary>The remote action as the CLI spells it: keep, delete, move:FOLDER.</summary>
    public string RemoteActionText => RemoteAction switch
    {
        FetchRemoteAction.Delete => "delete",
        FetchRemoteAction.Move => "move:" + MoveTo,
        _ => "keep",
    };
}

/// <summary>
/// How the fetching of one account goes: the last success, the last error (one line, never a password), how many
/// messages came in so far, and when the next attempt is due (null: at the interval from the last one).
/// </summary>
public sealed record FetchState(
    DateTimeOffset? LastSuccess,
    string? LastError,
    DateTimeOffset? LastErrorAt,
    long Fetched,
    DateTimeOffset? NextAttempt,
    int Failures)
{
    public static readonly FetchState None = new(null, null, null, 0, null, 0);
}
