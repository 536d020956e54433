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

/// <summary>One step of a server-side SASL exchange (RFC 4422 §3).</summary>
public sealed record SaslStep(SaslStepKind Kind, byte[]? Data = null, Account? Account = null, string? AppPassword = null, string? UserName = null, bool Malformed = false)
{
    public static SaslStep Fail(string? userName, bool malformed = false) => new(SaslStepKind.Failure, UserName: userName, Malformed: malformed);
}
