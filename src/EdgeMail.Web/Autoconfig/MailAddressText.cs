namespace EdgeMail.Web.Autoconfig;

/// <summary>The account address a request names, checked before it goes into a document.</summary>
internal static class MailAddressText
{
    /// <summary>
    /// <paramref name="value"/> trimmed, its domain lower-cased, when it is <c>local@domain</c> with a printable ASCII
    /// local part of at most 64 characters (RFC 5321 §4.5.3.1.1) and a host name as domain; else null (the documents
    /// then use placeholders). Quoted local parts and address literals are refused: no client's setup needs them.
    /// </summary>
    public static string? Normalize(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var address = value.Trim();
        var at = address.LastIndexOf('@');
        if (at <= 0 || at > 64 || address.Length > 254)
        {
            return null;
        }

        var local = address[..at];
        var domain = address[(at + 1)..].ToLowerInvariant();
        // RFC 5322 §3.2.3 atext and dots, no leading, trailing or double dot.
        if (local.StartsWith('.') || local.EndsWith('.') || local.Contains("..", StringComparison.Ordinal)
            || !local.All(c => char.IsAsciiLetterOrDigit(c) || c == '.' || "!#$%&'*+-/=?^_`{|}~".Contains(c, StringComparison.Ordinal)))
        {
            return null;
        }

        return WebOptions.IsHostName(domain) ? local + "@" + domain : null;
    }
}
