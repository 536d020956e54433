using System.Net;
using EdgeMail.Auth.Sasl;
using EdgeMail.Auth.Throttling;
using EdgeMail.Store;

namespace EdgeMail.Auth.Login;

/// <summary>
/// The one login path of IMAP, POP3 and SMTP: the throttle first, then the credentials from the store
/// (main password or an app password), then the outcome recorded for the throttle. Protocols call
/// <see cref="LoginAsync"/> for a user name and password (IMAP LOGIN, POP3 USER/PASS), or
/// <see cref="AdmitAsync"/>, a mechanism from <see cref="CreateMechanism"/> and <see cref="Complete"/>
/// for a SASL exchange (AUTHENTICATE, AUTH).
/// </summary>
public sealed class Authenticator
{
    private readonly MailStore _store;
    private readonly LoginThrottle _throttle;
    private readonly TimeProvider _time;
    private readonly CredentialLookup _lookup;

    public Authenticator(MailStore store, LoginThrottle throttle, TimeProvider time)
    {
        _store = store;
        _throttle = throttle;
        _time = time;
        _lookup = store.GetCredentialsAsync;
    }

    /// <summary>The mechanisms to advertise, in order.</summary>
    public IReadOnlyList<string> MechanismNames => SaslMechanisms.Names;

    /// <summary>
    /// Waits out the throttle's delay for this address (and account, when the protocol already knows it).
    /// False when a lockout is in force: the protocol refuses without checking anything.
    /// </summary>
    public async ValueTask<bool> AdmitAsync(IPAddress remote, string? userName, CancellationToken cancellationToken)
    {
        var decision = _throttle.Check(remote, userName);
        switch (decision.Outcome)
        {
            case ThrottleOutcome.Locked:
                return false;
            case ThrottleOutcome.Delay:
                await Task.Delay(decision.Wait, _time, cancellationToken).ConfigureAwait(false);
                return true;
            default:
                return true;
        }
    }

    /// <summary>A user name and a password, as IMAP LOGIN and POP3 USER/PASS send them.</summary>
    public async ValueTask<LoginResult> LoginAsync(IPAddress remote, string userName, string password, CancellationToken cancellationToken)
    {
        if (!await AdmitAsync(remote, userName, cancellationToken).ConfigureAwait(false))
        {
            return LoginResult.Locked;
        }

        var step = await PasswordCheck.CheckAsync(_lookup, userName, password, cancellationToken).ConfigureAwait(false);
        return await CompleteAsync(remote, step, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A new exchange for the named mechanism (case-insensitive), or null if it is unknown.</summary>
    public ISaslMechanism? CreateMechanism(string name) => SaslMechanisms.Create(name, _lookup);

    /// <summary>Records the final step of an exchange for the throttle and turns it into a result.</summary>
    public async ValueTask<LoginResult> CompleteAsync(IPAddress remote, SaslStep final, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(final);
        switch (final.Kind)
        {
            case SaslStepKind.Success when final.Account is not null:
                _throttle.RecordSuccess(remote, final.UserName ?? final.Account.Address);
                if (final.AppPassword is not null)
                {
                    await TouchAppPasswordAsync(final.Account.Id, final.AppPassword, cancellationToken).ConfigureAwait(false);
                }

                return new LoginResult(LoginOutcome.Success, final.Account, final.AppPassword);
            case SaslStepKind.Failure when final.Malformed:
                // A syntax error is not a guess, but it still counts against the address: garbage in a
                // loop must not be free.
                _throttle.RecordFailure(remote, null);
                return LoginResult.Malformed;
            default:
                _throttle.RecordFailure(remote, final.UserName);
                return LoginResult.Failed;
        }
    }

    private async Task TouchAppPasswordAsync(long accountId, string name, CancellationToken cancellationToken)
    {
        var apps = await _store.ListAppPasswordsAsync(accountId, cancellationToken).ConfigureAwait(false);
        var app = apps.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.Ordinal));
        if (app is not null)
        {
            await _store.TouchAppPasswordAsync(app.Id, cancellationToken).ConfigureAwait(false);
        }
    }
}
