namespace EdgeMail.Auth.Sasl;

/// <summary>The one SASL layer of IMAP, POP3 and SMTP: which mechanisms exist, and a fresh instance per exchange.</summary>
public static class SaslMechanisms
{
    /// <summary>In the order they are advertised: the one that never sends the password first.</summary>
    public static readonly IReadOnlyList<string> Names = ["SCRAM-SHA-256", "PLAIN", "LOGIN"];

    /// <summary>A new exchange for the named mechanism (case-insensitive, RFC 4422 §3.1), or null if unknown.</summary>
    public static ISaslMechanism? Create(string name, CredentialLookup lookup) =>
        name.ToUpperInvariant() switch
        {
            "SCRAM-SHA-256" => new ScramSha256Mechanism(lookup),
            "PLAIN" => new PlainMechanism(lookup),
            "LOGIN" => new LoginMechanism(lookup),
            _ => null,
        };
}
