using System.Text;

namespace EdgeMail.Store.Mailboxes;

/// <summary>
/// Mailbox name rules. A name is a '/'-separated path of UTF-8 components; it is only ever a key in
/// the database and never becomes a file path, so no name can reach outside the data folder whatever
/// it contains. We still refuse names that clients and other servers choke on.
/// </summary>
public static class MailboxName
{
    public const char Separator = '/';
    public const string Inbox = "INBOX";

    /// <summary>Dovecot's mailbox_list_name_max_length is 255 per component; we take the same.</summary>
    public const int MaxComponentBytes = 255;

    /// <summary>A whole name; deep enough for any client folder tree, small enough to bound every list.</summary>
    public const int MaxNameBytes = 1024;

    /// <summary>Levels of hierarchy; Dovecot's default mailbox_list_max_depth is 16, we allow more.</summary>
    public const int MaxDepth = 32;

    /// <summary>
    /// Validates a name and returns its canonical form (INBOX in upper case, as RFC 9051 §5.1 says it
    /// is case-insensitive) or an error that can be shown to the client.
    /// </summary>
    public static bool TryNormalize(string? name, out string normalized, out string? error)
    {
        normalized = string.Empty;
        error = null;
        if (string.IsNullOrEmpty(name))
        {
            error = "the mailbox name is empty";
            return false;
        }

        for (var i = 0; i < name.Length; i++)
        {
            var ch = name[i];
            if (char.IsHighSurrogate(ch))
            {
                if (i + 1 >= name.Length || !char.IsLowSurrogate(name[i + 1]))
                {
                    error = "the mailbox name is not valid UTF-8";
                    return false;
                }

                i++;
                continue;
            }

            if (char.IsLowSurrogate(ch) || ch == '\uFFFD')
            {
                error = "the mailbox name is not valid UTF-8";
                return false;
            }

            // Controls (C0, DEL, C1) can't be typed or shown; RFC 9051 §5.1 and RFC 5198.
            if (ch < 0x20 || (ch >= 0x7F && ch <= 0x9F) || ch is '\u2028' or '\u2029')
            {
                error = "the mailbox name contains a control character";
                return false;
            }

            // LIST wildcards (RFC 9051 §6.3.9): a name holding them could never be listed exactly.
            if (ch is '%' or '*')
            {
                error = "the mailbox name contains a wildcard (% or *)";
                return false;
            }
        }

        if (Encoding.UTF8.GetByteCount(name) > MaxNameBytes)
        {
            error = $"the mailbox name is longer than {MaxNameBytes} bytes";
            return false;
        }

        var parts = name.Split(Separator);
        if (parts.Length > MaxDepth)
        {
            error = $"the mailbox name is nested deeper than {MaxDepth} levels";
            return false;
        }

        foreach (var part in parts)
        {
            if (part.Length == 0)
            {
                error = "the mailbox name has an empty level (leading, trailing or doubled /)";
                return false;
            }

            if (part is "." or "..")
            {
                error = "the mailbox name has a . or .. level";
                return false;
            }

            if (Encoding.UTF8.GetByteCount(part) > MaxComponentBytes)
            {
                error = $"a level of the mailbox name is longer than {MaxComponentBytes} bytes";
                return false;
            }
        }

        // RFC 9051 §5.1: "INBOX" is case-insensitive; so is it as the first level of a child.
        if (string.Equals(parts[0], Inbox, StringComparison.OrdinalIgnoreCase))
        {
            parts[0] = Inbox;
        }

        normalized = string.Join(Separator, parts);
        return true;
    }

    public static string Normalize(string name) =>
        TryNormalize(name, out var normalized, out var error) ? normalized : throw new StoreException(StoreError.InvalidName, error!);

    public static bool IsInbox(string normalized) => normalized == Inbox;

    /// <summary>The parent of a name, or null at the top level.</summary>
    public static string? Parent(string normalized)
    {
        var i = normalized.LastIndexOf(Separator);
        return i < 0 ? null : normalized[..i];
    }

    public static bool IsDescendant(string candidate, string ancestor) =>
        candidate.Length > ancestor.Length + 1 && candidate[ancestor.Length] == Separator && candidate.StartsWith(ancestor, StringComparison.Ordinal);
}
