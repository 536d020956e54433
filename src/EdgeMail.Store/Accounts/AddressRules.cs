namespace EdgeMail.Store.Accounts;

/// <summary>What the store accepts as an account address: local@domain, ASCII or UTF-8 (RFC 6531), no spaces or controls.</summary>
public static class AddressRules
{
    /// <summary>RFC 5321 §4.5.3.1.3: a path is at most 256 octets; an address inside it at most 254.</summary>
    public const int MaxAddressBytes = 254;

    public static bool IsValid(string address, out string? error)
    {
        error = null;
        if (string.IsNullOrEmpty(address))
        {
            error = "the address is empty";
            return false;
        }

        if (System.Text.Encoding.UTF8.GetByteCount(address) > MaxAddressBytes)
        {
            error = $"the address is longer than {MaxAddressBytes} bytes";
            return false;
        }

        var at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1)
        {
            error = "the address must have the form local@domain";
            return false;
        }

        foreach (var ch in address)
        {
            if (char.IsControl(ch) || char.IsWhiteSpace(ch) || ch is '<' or '>' or '(' or ')' or ',' or ';' or '"' or '\\' or '[' or ']')
            {
                error = "the address contains a character that is not allowed";
                return false;
            }
        }

        if (address.IndexOf('@') != at)
        {
            error = "the address contains more than one @";
            return false;
        }

        if (!IsDotAtom(address.AsSpan(0, at)))
        {
            error = "the part before @ must be words of letters, digits or !#$%&'*+-/=?^_`{|}~ joined by single dots (RFC 5321 §4.1.2)";
            return false;
        }

        if (!IsDomain(address.AsSpan(at + 1)))
        {
            error = "the domain must be labels of letters, digits and inner hyphens joined by single dots (RFC 5321 §4.1.2)";
            return false;
        }

        return true;
    }

    /// <summary>RFC 5321 §4.1.2 Dot-string (RFC 6531 §3.3 adds UTF-8): atoms joined by single dots, none empty.</summary>
    private static bool IsDotAtom(ReadOnlySpan<char> local)
    {
        foreach (var atom in local.ToString().Split('.'))
        {
            if (atom.Length == 0)
            {
                return false;
            }

            foreach (var ch in atom)
            {
                if (!(char.IsAsciiLetterOrDigit(ch) || ch > 0x7F || "!#$%&'*+-/=?^_`{|}~".Contains(ch, StringComparison.Ordinal)))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>RFC 5321 §4.1.2 Domain (RFC 6531 §3.3 allows U-labels): sub-domains of 1 to 63 characters, no leading or trailing hyphen.</summary>
    private static bool IsDomain(ReadOnlySpan<char> domain)
    {
        var labels = domain.ToString().Split('.');
        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            foreach (var ch in label)
            {
                if (!(char.IsAsciiLetterOrDigit(ch) || ch == '-' || ch > 0x7F))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Addresses compare without case in the domain, and (as Dovecot and Postfix do for local users) in the local part.</summary>
    public static string Normalize(string address) => address.Trim().ToLowerInvariant();
}
