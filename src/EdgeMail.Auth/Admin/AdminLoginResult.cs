using EdgeMail.Store.Accounts;

namespace EdgeMail.Auth.Admin;

/// <summary>
/// The answer to an admin login, never an exception: on <see cref="AdminLoginOutcome.Success"/> the admin account
/// (start the session), and, when a recovery code was used, how many are left (say so: the phone may be lost).
/// <see cref="Reason"/> is one sentence for the user; a refusal names no more than it must (a wrong address and a
/// wrong password are the same answer).
/// </summary>
public sealed record AdminLoginResult(AdminLoginOutcome Outcome, string Reason, Account? Account = null, int? RecoveryCodesLeft = null)
{
    public bool Succeeded => Outcome == AdminLoginOutcome.Success;

    /// <summary>Whether the login used a recovery code instead of a TOTP code.</summary>
    public bool UsedRecoveryCode => RecoveryCodesLeft is not null;
}
