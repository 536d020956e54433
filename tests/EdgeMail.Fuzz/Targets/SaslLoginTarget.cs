using System.Text;
using EdgeMail.Auth.Sasl;

namespace EdgeMail.Fuzz.Targets;

/// <summary>LOGIN: the input is the user name, a NUL, and the password, given as the two responses (the first also as an initial response).</summary>
internal static class SaslLoginTarget
{
    public static void Run(byte[] input)
    {
        var nul = Array.IndexOf(input, (byte)0);
        var user = nul < 0 ? input : input[..nul];
        byte[]? password = nul < 0 ? null : input[(nul + 1)..];

        var asked = new LoginMechanism(SaslAccount.Lookup);
        var first = SaslAccount.Step(asked, null);
        InvariantViolation.Check(first.Kind == SaslStepKind.Challenge && Encoding.ASCII.GetString(first.Data!) == "Username:", "LOGIN asks for the user name first");
        Exchange(asked, user, password);

        // With the user name as an initial response (RFC 4954 §4 allows it for SMTP).
        Exchange(new LoginMechanism(SaslAccount.Lookup), user, password);
    }

    private static void Exchange(LoginMechanism mechanism, byte[] user, byte[]? password)
    {
        var step = SaslAccount.Step(mechanism, user);
        SaslAccount.CheckOutcome(step);
        if (step.Kind != SaslStepKind.Challenge)
        {
            return;
        }

        InvariantViolation.Check(Encoding.ASCII.GetString(step.Data!) == "Password:", "LOGIN asks for the password second");
        var last = SaslAccount.Step(mechanism, password);
        SaslAccount.CheckOutcome(last);
        InvariantViolation.Check(last.Kind != SaslStepKind.Challenge, "LOGIN ends after the password");
        if (last.Kind == SaslStepKind.Success)
        {
            // Trailing NULs do not count: PBKDF2's HMAC pads its key with zeros (RFC 2104 §2), so "secret\0" derives
            // the same secret as "secret" (afl-fuzz found it; it needs the password all the same).
            InvariantViolation.Check(SaslAccount.Passwords.Contains(Encoding.UTF8.GetString(password!).TrimEnd('\0')), "LOGIN succeeds only with the password");
        }

        var after = SaslAccount.Step(mechanism, user);
        InvariantViolation.Check(after.Kind == SaslStepKind.Failure, "a finished exchange takes no more responses");
    }
}
