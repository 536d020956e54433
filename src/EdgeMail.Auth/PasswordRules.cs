namespace EdgeMail.Auth;

/// <summary>What a main password must be, wherever one is set (`user add`, `user passwd`, the first pairing).</summary>
public static class PasswordRules
{
    /// <summary>NIST SP 800-63B §5.1.1.2 asks for at least 8 characters.</summary>
    public const int MinLength = 8;

    /// <summary>What PLAIN and LOGIN accept in one response (Sasl/PlainMechanism.cs), so every mechanism can send it.</summary>
    public const int MaxLength = 1024;
}
