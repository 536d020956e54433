namespace EdgeMail.Store.Queue;

/// <summary>
/// What the queue keeps of an envelope: the reverse-path ("" for the null sender, RFC 5321 §4.5.5), the
/// submitting account if there was one, the recipients, the DSN parameters of MAIL and when to give up.
/// </summary>
public sealed record RelayEnvelope(
    string Sender,
    IReadOnlyList<RelayRecipient> Recipients,
    DateTimeOffset Expires,
    long? AccountId = null,
    string? EnvelopeId = null,
    DsnReturn Return = DsnReturn.Default);
