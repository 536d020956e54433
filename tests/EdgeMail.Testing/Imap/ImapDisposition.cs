namespace EdgeMail.Testing.Imap;

/// <summary>RFC 9051 §9 body-fld-dsp: "(" string SP body-fld-param ")".</summary>
public sealed class ImapDisposition
{
    public required string Type { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>>? Parameters { get; init; }
}
