namespace EdgeMail.Testing.Imap;

/// <summary>
/// One complete server response, parsed: its kind, tag, name ("OK", "FETCH", "LIST", "EXISTS"...), the exact raw
/// bytes, and the typed data of its kind (the others are null).
/// </summary>
public sealed class ImapResponse
{
    public ImapResponseKind Kind { get; internal set; }

    /// <summary>The tag of a tagged response; null otherwise.</summary>
    public string? Tag { get; internal set; }

    /// <summary>Upper-cased response name: OK, NO, BAD, BYE, PREAUTH, CAPABILITY, FLAGS, LIST, LSUB, STATUS, SEARCH,
    /// ESEARCH, EXISTS, RECENT, EXPUNGE, FETCH, VANISHED, ENABLED, ID, NAMESPACE; "+" for a continuation.</summary>
    public string Name { get; internal set; } = string.Empty;

    /// <summary>The response as received, CRLF and literals included.</summary>
    public byte[] Raw { get; internal set; } = [];

    /// <summary>resp-text of a status response (OK, NO, BAD, BYE, PREAUTH) or of a continuation.</summary>
    public ImapResponseText? Text { get; internal set; }

    /// <summary>The number of EXISTS, RECENT, EXPUNGE and FETCH.</summary>
    public uint? Number { get; internal set; }

    public FetchResponse? Fetch { get; internal set; }

    /// <summary>CAPABILITY or ENABLED items.</summary>
    public IReadOnlyList<string>? Capabilities { get; internal set; }

    /// <summary>The flags of an untagged FLAGS response.</summary>
    public IReadOnlyList<string>? Flags { get; internal set; }

    public ImapListItem? List { get; internal set; }

    public ImapMailboxStatus? MailboxStatus { get; internal set; }

    public ImapSearchResult? Search { get; internal set; }

    public ImapESearchResult? ESearch { get; internal set; }

    public ImapVanished? Vanished { get; internal set; }

    /// <summary>RFC 2971 ID parameters; null for "ID NIL".</summary>
    public IReadOnlyList<KeyValuePair<string, ImapString>>? Id { get; internal set; }

    public ImapNamespaceResponse? Namespace { get; internal set; }

    public bool IsTagged => Kind == ImapResponseKind.Tagged;

    /// <summary>Whether this is an OK status response (tagged or untagged).</summary>
    public bool IsOk => Name == "OK";

    /// <summary>The response as text (Latin-1, long responses cut), for assertion messages.</summary>
    public override string ToString()
    {
        var length = Math.Min(Raw.Length, 400);
        var text = System.Text.Encoding.Latin1.GetString(Raw, 0, length).TrimEnd('\r', '\n');
        return length < Raw.Length ? text + $"... ({Raw.Length} bytes)" : text;
    }
}
