using EdgeMail.Store.Accounts;

namespace EdgeMail.Auth.Login;

/// <summary>The end of a login: the account on success, and which app password was used, if any.</summary>
public sealed record LoginResult(LoginOutcome Outcome, Account? Account = null, string? AppPassword = null)
{
    public static LoginResult Failed { get; } = new(LoginOutcome.Failed);

    public static LoginResult Locked { get; } = new(LoginOutcome.Locked);

    public static LoginResult Malformed { get; } = new(LoginOutcome.Malformed);

    public bool Succeeded => Outcome == LoginOutcome.Success;
}
