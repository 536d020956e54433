namespace EdgeMail.Auth.Login;

/// <summary>
/// What ends a session early: the service's shutdown, or the revocation of the app password it logged in with. A
/// protocol session runs on <see cref="Token"/> in place of the stopping token, calls <see cref="Watch"/> after a
/// successful login, and when the token is cancelled ends as at shutdown, saying why (<see cref="Revoked"/>): IMAP
/// <c>* BYE</c>, POP3 <c>-ERR</c> (no UPDATE: nothing is removed), SMTP <c>421</c>. Thread-safe; dispose when the
/// session ends, which waits for a revocation callback running at that moment.
/// </summary>
public sealed class SessionLifetime : IDisposable
{
    private readonly CancellationTokenSource _ending;
    private CancellationTokenRegistration _revocation;
    private volatile bool _revoked;

    public SessionLifetime(CancellationToken stopping)
    {
        _ending = CancellationTokenSource.CreateLinkedTokenSource(stopping);
    }

    /// <summary>Cancelled at shutdown or when the session's app password is revoked.</summary>
    public CancellationToken Token => _ending.Token;

    /// <summary>Whether the session is ending because its app password was revoked (rather than a shutdown).</summary>
    public bool Revoked => _revoked;

    /// <summary>From this login on, a revocation of its app password ends the session (nothing for the main password).</summary>
    public void Watch(LoginResult login)
    {
        ArgumentNullException.ThrowIfNull(login);
        if (login.Revoked.CanBeCanceled)
        {
            _revocation.Dispose();
            _revocation = login.Revoked.Register(static state => ((SessionLifetime)state!).End(), this);
        }
    }

    public void Dispose()
    {
        _revocation.Dispose();
        _ending.Dispose();
    }

    private void End()
    {
        _revoked = true;
        _ending.Cancel();
    }
}
