namespace EdgeMail.Testing.Imap;

/// <summary>RFC 9051 §9 resp-text: an optional response code and the human-readable text.</summary>
public sealed class ImapResponseText
{
    public ImapResponseCode? Code { get; init; }

    public string Text { get; init; } = string.Empty;

    public override string ToString() => Code is null ? Text : "[" + Code + "] " + Text;
}
