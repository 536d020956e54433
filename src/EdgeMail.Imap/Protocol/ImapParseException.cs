namespace EdgeMail.Imap.Protocol;

/// <summary>A command that does not follow the grammar (answered with BAD, RFC 9051 §7.1.3).</summary>
public sealed class ImapParseException(string message) : Exception(message);
