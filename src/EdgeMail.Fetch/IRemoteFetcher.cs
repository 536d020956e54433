namespace EdgeMail.Fetch;

/// <summary>One connection to a provider's mailbox (IMAP or POP3): connect and log in, bring what is new, and, where the
/// server can, wait for news (IMAP IDLE).</summary>
internal interface IRemoteFetcher : IAsyncDisposable
{
    Task ConnectAsync(string password, CancellationToken cancellationToken);

    /// <summary>Brings every remote message not yet committed here, then does the remote action for those committed.</summary>
    Task<int> SyncAsync(bool inboxOnly, CancellationToken cancellationToken);

    /// <summary>Whether <see cref="IdleAsync"/> can wait for news on this connection.</summary>
    bool CanIdle { get; }

    /// <summary>Waits for news in the remote INBOX, at most <paramref name="longest"/> or until <paramref name="wake"/>; true when news came.</summary>
    Task<bool> IdleAsync(TimeSpan longest, CancellationToken wake, CancellationToken cancellationToken);
}
