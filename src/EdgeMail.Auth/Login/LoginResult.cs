using EdgeMail.Store.Accounts;

namespace EdgeMail.Auth.Login;

/// <summary>
/// The end of a login: the account on success, and which app password was used, if any. <see cref="Disconnect"/>
/// tells the protocol to answer and then close the connection (a lockout, or Auth:MaxFailuresPerConnection reached).
/// </summary>
public sealed record LoginResult(LoginOutcome Outcome, Account? Account = null, string? AppPassword = null, bool Disconnect = false)
{
    /// <summary>Refused without checking: the address is locked out. Always closes the connection.</summary>
    public static LoginResult Locked { get; } = new(LoginOutcome.Locked, Disconnect: true);

    public bool Succeeded => Outcome == LoginOutcome.Success;
}
