using EdgeMail.Store.Fetch;

namespace EdgeMail.Cli;

/// <summary>One fetch account in `status` and `fetch status`: where from, where to, and how it goes. Never the password.</summary>
internal sealed class FetchStatus
{
    public string Name { get; set; } = "";

    public string Protocol { get; set; } = "";

    /// <summary>host:port, and the TLS kind.</summary>
    public string Remote { get; set; } = "";

    public string Security { get; set; } = "";

    public string User { get; set; } = "";

    /// <summary>The local account and mailbox: alice@edgemail.local/INBOX.</summary>
    public string Target { get; set; } = "";

    public string[] Folders { get; set; } = [];

    public string RemoteAction { get; set; } = "keep";

    public int IntervalSeconds { get; set; }

    /// <summary>The remote certificate is not checked: shown loudly.</summary>
    public bool InsecureTls { get; set; }

    public DateTimeOffset? LastSuccess { get; set; }

    /// <summary>The last error, when it is newer than the last success.</summary>
    public string? LastError { get; set; }

    public DateTimeOffset? LastErrorAt { get; set; }

    public long Fetched { get; set; }

    public DateTimeOffset? NextAttempt { get; set; }

    public int Failures { get; set; }

    /// <summary>The running service holds a connection to the provider (false when no service runs).</summary>
    public bool Connected { get; set; }

    /// <summary>In IMAP IDLE: new mail comes within seconds.</summary>
    public bool Idling { get; set; }

    public static FetchStatus From(FetchAccount account)
    {
        var state = account.State;
        var failing = state.LastError is not null && (state.LastSuccess is null || state.LastErrorAt > state.LastSuccess);
        return new FetchStatus
        {
            Name = account.Name,
            Protocol = account.Protocol == FetchProtocol.Imap ? "imap" : "pop3",
            Remote = $"{account.Host}:{account.Port}",
            Security = account.Security == FetchSecurity.Tls ? "tls" : "starttls",
            User = account.User,
            Target = $"{account.AccountAddress}/{account.Mailbox}",
            Folders = account.Folders.ToArray(),
            RemoteAction = account.RemoteActionText,
            IntervalSeconds = (int)account.Interval.TotalSeconds,
            InsecureTls = account.InsecureTls,
            LastSuccess = state.LastSuccess,
            LastError = failing ? state.LastError : null,
            LastErrorAt = failing ? state.LastErrorAt : null,
            Fetched = state.Fetched,
            NextAttempt = state.NextAttempt,
            Failures = state.Failures,
        };
    }
}
