using EdgeMail.Store.Accounts;

namespace EdgeMail.Auth.Pairing;

/// <summary>
/// The answer to a pairing request. On <see cref="PairingOutcome.Paired"/>: the account, the device's record and the app
/// password (show it once); <see cref="CreatedAccount"/> when the request made the box's first account, its admin.
/// Otherwise <see cref="Reason"/> is one sentence for the user, and nothing was changed.
/// </summary>
public sealed record PairingResult(PairingOutcome Outcome, string Reason, Account? Account = null, AppPassword? Device = null, string? AppPassword = null, bool CreatedAccount = false)
{
    public bool Succeeded => Outcome == PairingOutcome.Paired;

    internal static PairingResult Refused(PairingOutcome outcome, string reason) => new(outcome, reason);
}
