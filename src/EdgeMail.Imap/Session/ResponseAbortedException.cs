namespace EdgeMail.Imap.Session;

/// <summary>
/// A response was started and cannot be completed (ImapSession invariant 6): nothing more can be written on this
/// connection without corrupting the client's parse, so the session ends it.
/// </summary>
internal sealed class ResponseAbortedException(string message, Exception inner) : Exception(message, inner);
