using System.Text;
using EdgeMail.Auth.Sasl;
using EdgeMail.Auth.Scram;
using EdgeMail.Store.Accounts;

namespace EdgeMail.Fuzz.Targets;

/// <summary>
/// The one account the SASL targets know: alice@example.org, password "secret", an app password under the account's
/// salt (so SCRAM can match it) and one under its own (PLAIN and LOGIN only). One PBKDF2 iteration instead of 4096 keeps a run fast; the
/// parsing and the comparisons are the same. "nobody" is unknown (the decoy path); every other name is alice.
/// </summary>
internal static class SaslAccount
{
    public const string Password = "secret";
    public const string AppPassword = "app-password-1";
    public const string OtherAppPassword = "app-password-2";

    /// <summary>Every password that logs alice in with PLAIN or LOGIN: the main one and both app passwords.</summary>
    public static IReadOnlyList<string> Passwords { get; } = [Password, AppPassword, OtherAppPassword];

    private static readonly Account Alice = new(1, "alice@example.org", DateTimeOffset.UnixEpoch);

    public static ScramCredential Main { get; } = ScramSecret.Derive(Password, Encoding.ASCII.GetBytes("fuzz-salt-000001"), 1);

    public static AccountCredentials Credentials { get; } = new(
        Alice,
        Main,
        [
            new AppPasswordCredential(1, "phone", ScramSecret.Rederive(AppPassword, Main)),
            new AppPasswordCredential(2, "old", ScramSecret.Derive(OtherAppPassword, Encoding.ASCII.GetBytes("fuzz-salt-000002"), 1)),
        ]);

    public static CredentialLookup Lookup { get; } = (user, _) =>
        Task.FromResult(user.Equals("nobody", StringComparison.OrdinalIgnoreCase) ? null : Credentials);

    /// <summary>One step; the lookup completes at once, so the step does too.</summary>
    public static SaslStep Step(ISaslMechanism mechanism, ReadOnlyMemory<byte>? response)
    {
        var step = mechanism.StepAsync(response, CancellationToken.None);
        InvariantViolation.Check(step.IsCompleted, "a step with a finished lookup finishes");
        return step.Result;
    }

    public static void CheckOutcome(SaslStep step)
    {
        InvariantViolation.Check(step.Kind != SaslStepKind.Success || step.Account is not null, "a success names its account");
        InvariantViolation.Check(step.Kind != SaslStepKind.Failure || step.Account is null, "a failure names no account");
        InvariantViolation.Check(!step.Malformed || step.Kind == SaslStepKind.Failure, "only a failure is malformed");
    }
}
