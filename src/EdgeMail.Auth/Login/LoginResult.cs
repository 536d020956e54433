using EdgeMail.Store.Accounts;

namespace EdgeMail.Auth.Login;

/// <summary>
/// The end of a login: the account on success, and which app password was used, if any. <see cref="Disconnect"/>
/// tells the protocol to answer and then close the connection (a lockout, or Auth:MaxFailuresPerConnection reached).
/// <see cref="Revoked"/> is cancelled when the app password of this login is revoked: the session watches it and ends
/// (it is <see cref="CancellationToken.None"/> for the main password, which a password change does not revoke).
/// </summary>
public sealed record LoginResult(LoginOutcome Outcome, Account? Account = null, string? AppPassword = null, bool Disconnect = false, CancellationToken Revoked = default)
{
    /// <summary>Refused without checking: the address is locked out. Always closes the connection.</summary>
    public static LoginResult Locked { get; } = new(LoginOutcome.Locked, Disconnect: true);

    public bool Succeeded => Outcome == LoginOutcome.Success;

    /// <summary>Whether the login used an app password (rather than the account's main password).</summary>
    public bool UsedAppPassword => AppPassword is not null;
}
