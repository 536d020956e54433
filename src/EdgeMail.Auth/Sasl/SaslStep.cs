using EdgeMail.Store.Accounts;

namespace EdgeMail.Auth.Sasl;

/// <summary>What a SASL exchange asks of the protocol next.</summary>
public enum SaslStepKind
{
    /// <summary>Send <see cref="SaslStep.Data"/> as a challenge and feed back the client's answer.</summary>
    Challenge,

    /// <summary>Authenticated as <see cref="SaslStep.Account"/>; <see cref="SaslStep.Data"/>, if any, is the server's final data (SCRAM's v=).</summary>
    Success,

    /// <summary>Not authenticated. <see cref="SaslStep.Malformed"/> tells a syntax error (BAD / 501) from wrong credentials (NO / 535).</summary>
    Failure,
}

/// <summary>
/// One step of a server-side SASL exchange (RFC 4422 §3); <see cref="AppPassword"/> is the app password that matched,
/// null for the main one. A failed plaintext check carries <see cref="Guess"/>, a keyed fingerprint of the user name and
/// password (never the password), so that the throttle can tell a client retrying the same wrong password on another
/// mechanism from a new guess; null where the password is not seen (SCRAM) or the exchange was malformed.
/// </summary>
public sealed record SaslStep(SaslStepKind Kind, byte[]? Data = null, Account? Account = null, AppPasswordCredential? AppPassword = null, string? UserName = null, bool Malformed = false, long? Guess = null)
{
    public static SaslStep Fail(string? userName, bool malformed = false, long? guess = null) => new(SaslStepKind.Failure, UserName: userName, Malformed: malformed, Guess: guess);
}
