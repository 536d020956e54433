namespace EdgeMail.Testing.Imap;

/// <summary>Grammatical responses that together break a session rule (MODSEQ went back, a keyword was not announced).</summary>
public sealed class ImapInvariantException(string message) : Exception(message);
