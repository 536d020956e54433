namespace EdgeMail.Store.TwoFactor;

/// <summary>
/// An account's TOTP second factor (RFC 6238): the shared secret (opened from its sealed form), whether a code has
/// confirmed it (<see cref="Enabled"/>; until then it is a pending enrolment and a login does not ask for it), the last
/// time step a code was accepted for (RFC 6238 §5.2: no code of that step or an earlier one is accepted again), and
/// how many unused recovery codes are left.
/// </summary>
public sealed record TotpState(byte[] Secret, bool Enabled, long LastStep, int RecoveryCodesLeft)
{
    /// <summary>The sealed secret as stored: a confirmation enables this enrolment only, not one begun after it.</summary>
    internal byte[] Sealed { get; init; } = [];
}
