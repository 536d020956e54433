using System.Net;
using EdgeMail.Auth.Sasl;
using EdgeMail.Auth.Throttling;
using EdgeMail.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeMail.Auth.Login;

/// <summary>
/// The one login path of IMAP, POP3 and SMTP, the same for every mechanism: a session starts with
/// <see cref="AcceptAsync"/> (which waits out a greeting delay the address earned) and logs in with
/// <see cref="LoginAsync"/> for a user name and password (IMAP LOGIN, POP3 USER/PASS), or with
/// <see cref="AdmitAsync"/>, a mechanism from <see cref="CreateMechanism"/> and <see cref="CompleteAsync"/> for a SASL
/// exchange (AUTHENTICATE, AUTH). In that order: the address's lockout and delay before anything is checked, the
/// credentials from the store (main password or an app password), the account's mild delay before the answer (for
/// success and failure alike, so the wait tells nothing), then the outcome recorded for the throttle and the log.
/// </summary>
public sealed class Authenticator : IDisposable
{
    /// <summary>An app password's last use is written at most this often: a write costs an fsync on the SD card.</summary>
    private static readonly TimeSpan TouchInterval = TimeSpan.FromHours(1);

    private readonly MailStore _store;
    private readonly LoginThrottle _throttle;
    private readonly TimeProvider _time;
    private readonly CredentialLookup _lookup;
    private readonly int _maxFailuresPerConnection;
    private readonly FailedLoginLog _failures;
    private readonly AppPasswordSessions _sessions = new();

    public Authenticator(MailStore store, LoginThrottle throttle, AuthOptions options, TimeProvider time, ILogger<Authenticator>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (AuthOptions.FirstProblem(options) is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        _store = store;
        _throttle = throttle;
        _time = time;
        _lookup = store.GetCredentialsAsync;
        _maxFailuresPerConnection = options.MaxFailuresPerConnection;
        _failures = new FailedLoginLog(logger ?? (ILogger)NullLogger.Instance, time, options.Throttle.MaxTrackedKeys);
    }

    /// <summary>The mechanisms to advertise, in order.</summary>
    public IReadOnlyList<string> MechanismNames => SaslMechanisms.Names;

    /// <summary>
    /// Starts a connection's logins: waits before the greeting if a connection from this address was recently closed
    /// for failed logins (or the address is locked out), so that reconnecting does not buy more guesses.
    /// </summary>
    public async ValueTask<LoginAttempts> AcceptAsync(IPAddress remote, string protocol, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(remote);
        var wait = _throttle.GreetingDelay(remote);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }

        return new LoginAttempts(remote, protocol);
    }

    /// <summary>
    /// Waits out the address's delay. False when the address is locked out: the protocol answers
    /// <see cref="LoginResult.Locked"/> without checking anything, and closes the connection.
    /// </summary>
    public async ValueTask<bool> AdmitAsync(LoginAttempts client, string mechanism, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var decision = _throttle.Admit(client.Remote);
        switch (decision.Outcome)
        {
            case ThrottleOutcome.Locked:
                _failures.Record(LoginThrottle.AddressLabel(client.Remote), null, client.Protocol, mechanism, LoginOutcome.Locked);
                return false;
            case ThrottleOutcome.Delay:
                await Task.Delay(decision.Wait, _time, cancellationToken).ConfigureAwait(false);
                return true;
            default:
                return true;
        }
    }

    /// <summary>A user name and a password, as IMAP LOGIN and POP3 USER/PASS send them; <paramref name="mechanism"/> names the command for the log.</summary>
    public async ValueTask<LoginResult> LoginAsync(LoginAttempts client, string mechanism, string userName, string password, CancellationToken cancellationToken)
    {
        if (!await AdmitAsync(client, mechanism, cancellationToken).ConfigureAwait(false))
        {
            return LoginResult.Locked;
        }

        var step = await PasswordCheck.CheckAsync(_lookup, userName, password, cancellationToken).ConfigureAwait(false);
        return await CompleteAsync(client, mechanism, step, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A new exchange for the named mechanism (case-insensitive), or null if it is unknown.</summary>
    public ISaslMechanism? CreateMechanism(string name) => SaslMechanisms.Create(name, _lookup);

    /// <summary>
    /// Ends an exchange: waits the account's delay unless the address (or the app password) logged in to it recently,
    /// records the outcome, and turns it into a result. A malformed exchange counts as a failure of the address:
    /// garbage in a loop must not be free.
    /// </summary>
    public async ValueTask<LoginResult> CompleteAsync(LoginAttempts client, string mechanism, SaslStep final, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(final);
        var success = final.Kind == SaslStepKind.Success && final.Account is not null;
        var userName = final.UserName ?? final.Account?.Address;
        var now = _time.GetUtcNow();
        var recentApp = success && final.AppPassword?.LastUsed is { } used && now - used < _throttle.RememberSuccess;
        var wait = recentApp || final.Malformed ? TimeSpan.Zero : _throttle.AccountDelay(client.Remote, userName);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }

        if (success && final.AppPassword is { } app)
        {
            // The token first, then the check that the app password is still there: a revocation deletes the row
            // first and then cancels the token, so a login that raced it either finds the row gone or holds a token
            // that the revocation cancels.
            var revoked = _sessions.TokenFor(app.Id);
            if (!await _store.AppPasswordExistsAsync(app.Id, cancellationToken).ConfigureAwait(false))
            {
                success = false;
            }
            else
            {
                _throttle.RecordSuccess(client.Remote, userName!);
                var from = RemoteText(client.Remote);
                if (app.LastUsed is not { } last || now - last >= TouchInterval || app.LastUsedFrom != from)
                {
                    await _store.TouchAppPasswordAsync(app.Id, from, cancellationToken).ConfigureAwait(false);
                }

                return new LoginResult(LoginOutcome.Success, final.Account, app.Name, Revoked: revoked);
            }
        }
        else if (success)
        {
            _throttle.RecordSuccess(client.Remote, userName!);
            return new LoginResult(LoginOutcome.Success, final.Account);
        }

        var outcome = final.Malformed ? LoginOutcome.Malformed : LoginOutcome.Failed;
        _throttle.RecordFailure(client.Remote, final.Malformed ? null : userName, final.Guess);
        _failures.Record(LoginThrottle.AddressLabel(client.Remote), userName, client.Protocol, mechanism, outcome);

        // MailKit, for one, tries each advertised mechanism in turn with the same password: that is one wrong password,
        // not three, and must not cost the connection (nor, in the throttle, the address).
        if (final.Guess is not { } guess || guess != client.LastGuess)
        {
            client.Failures++;
            client.LastGuess = final.Guess;
        }

        var disconnect = client.Failures >= _maxFailuresPerConnection;
        if (disconnect)
        {
            _throttle.RecordDisconnect(client.Remote);
        }

        return new LoginResult(outcome, Disconnect: disconnect);
    }

    /// <summary>
    /// A second factor after a right password (the web page's admin login and its TOTP code): the address's lockout and
    /// delay first, as before a password, then <paramref name="verify"/>. A code that does not verify (wrong, or
    /// replayed) counts as one failed login of the address in the same throttle and log as a wrong password, so the
    /// password alone does not buy unlimited guesses at six digits; a verified code ends the attempt as a success.
    /// Every code counts, even the same wrong one again: a replay is not a stale client retrying.
    /// </summary>
    public async ValueTask<LoginResult> CheckSecondFactorAsync(LoginAttempts client, string mechanism, Store.Accounts.Account account, Func<CancellationToken, Task<bool>> verify, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(verify);
        if (!await AdmitAsync(client, mechanism, cancellationToken).ConfigureAwait(false))
        {
            return LoginResult.Locked;
        }

        if (await verify(cancellationToken).ConfigureAwait(false))
        {
            _throttle.RecordSuccess(client.Remote, account.Address);
            return new LoginResult(LoginOutcome.Success, account);
        }

        _throttle.RecordFailure(client.Remote, account.Address);
        _failures.Record(LoginThrottle.AddressLabel(client.Remote), account.Address, client.Protocol, mechanism, LoginOutcome.Failed);
        client.Failures++;
        var disconnect = client.Failures >= _maxFailuresPerConnection;
        if (disconnect)
        {
            _throttle.RecordDisconnect(client.Remote);
        }

        return new LoginResult(LoginOutcome.Failed, Disconnect: disconnect);
    }

    /// <summary>
    /// Revokes an app password: deletes it, so that no login accepts it any more, then ends the sessions it opened on
    /// this service. False if the account had no app password of that name.
    /// </summary>
    public async Task<bool> RevokeAppPasswordAsync(long accountId, string name, CancellationToken cancellationToken)
    {
        if (await _store.RevokeAppPasswordAsync(accountId, name, cancellationToken).ConfigureAwait(false) is not { } id)
        {
            return false;
        }

        _sessions.End(id);
        return true;
    }

    /// <summary>An address as the device list shows it: IPv4 clients as a.b.c.d even on a dual-stack socket.</summary>
    internal static string RemoteText(IPAddress remote) => (remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote).ToString();

    public void Dispose() => _failures.Dispose();
}
