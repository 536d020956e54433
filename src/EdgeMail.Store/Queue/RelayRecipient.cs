namespace EdgeMail.Store.Queue;

/// <summary>One recipient to relay, with its DSN parameters (RFC 3461 §4.1, §4.2).</summary>
public sealed record RelayRecipient(string Address, string? OriginalRecipient = null, DsnNotify Notify = DsnNotify.Default);
