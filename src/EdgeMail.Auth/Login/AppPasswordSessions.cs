namespace EdgeMail.Auth.Login;

/// <summary>
/// The sessions logged in with each app password, as one cancellation token per app password that every such session
/// watches: revoking the app password cancels it, and each session then ends the way it ends at shutdown (IMAP
/// <c>* BYE</c>, POP3 <c>-ERR</c>, SMTP <c>421</c>). One entry per app password in use since the service started, not
/// per session: a session that ends leaves nothing behind but its disposed registration. Thread-safe.
/// </summary>
internal sealed class AppPasswordSessions
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, CancellationTokenSource> _live = [];

    /// <summary>The token that <see cref="End"/> of this app password cancels.</summary>
    public CancellationToken TokenFor(long appPasswordId)
    {
        lock (_gate)
        {
            if (!_live.TryGetValue(appPasswordId, out var source))
            {
                source = new CancellationTokenSource();
                _live.Add(appPasswordId, source);
            }

            return source.Token;
        }
    }

    /// <summary>
    /// Ends the sessions of a revoked app password. Its entry goes too: SQLite may give a later app password the same
    /// id, whose sessions must not start cancelled.
    /// </summary>
    public bool End(long appPasswordId)
    {
        CancellationTokenSource? source;
        lock (_gate)
        {
            if (!_live.Remove(appPasswordId, out source))
            {
                return false;
            }
        }

        // Outside the lock: the sessions' callbacks run here.
        source.Cancel();
        source.Dispose();
        return true;
    }
}
