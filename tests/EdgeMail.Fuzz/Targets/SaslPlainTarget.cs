using System.Text;
using EdgeMail.Auth.Sasl;

namespace EdgeMail.Fuzz.Targets;

/// <summary>PLAIN (RFC 4616 §2): the input is the decoded response, as an initial response and after the empty challenge.</summary>
internal static class SaslPlainTarget
{
    public static void Run(byte[] input)
    {
        var initial = SaslAccount.Step(new PlainMechanism(SaslAccount.Lookup), input);
        Check(initial, input);

        var challenged = new PlainMechanism(SaslAccount.Lookup);
        var challenge = SaslAccount.Step(challenged, null);
        InvariantViolation.Check(challenge.Kind == SaslStepKind.Challenge && challenge.Data is { Length: 0 }, "PLAIN without an initial response sends an empty challenge");
        var answered = SaslAccount.Step(challenged, input);
        Check(answered, input);
        InvariantViolation.Check(answered.Kind == initial.Kind, "the same response gets the same outcome with or without the challenge");
    }

    private static void Check(SaslStep step, byte[] input)
    {
        SaslAccount.CheckOutcome(step);
        InvariantViolation.Check(step.Kind != SaslStepKind.Challenge, "PLAIN ends after one response");
        if (step.Kind == SaslStepKind.Success)
        {
            // Only authzid NUL authcid NUL passwd with the right password (or app password) gets in.
            var parts = Encoding.UTF8.GetString(input).Split('\0');
            InvariantViolation.Check(parts.Length == 3 && SaslAccount.Passwords.Contains(parts[2]), "PLAIN succeeds only with the password");
        }
    }
}
