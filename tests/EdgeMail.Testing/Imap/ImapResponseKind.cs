namespace EdgeMail.Testing.Imap;

/// <summary>RFC 9051 §2.2.2: a response is tagged, untagged ("*") or a continuation request ("+").</summary>
public enum ImapResponseKind
{
    Tagged,
    Untagged,
    Continuation,
}
