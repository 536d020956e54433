using EdgeMail.Store.Queue;

namespace EdgeMail.Smtp.Inbound;

/// <summary>An accepted envelope ready for delivery: sender, recipients and the DSN parameters of MAIL.</summary>
internal sealed record IntakeEnvelope(string Sender, IReadOnlyList<RecipientTarget> Recipients, long? AccountId, string? EnvelopeId, DsnReturn Return);
