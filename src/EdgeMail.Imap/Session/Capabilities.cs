namespace EdgeMail.Imap.Session;

/// <summary>The capabilities, each with the RFC that defines it (RFC 9051 §7.2.2 CAPABILITY).</summary>
internal static class Capabilities
{
    /// <summary>Advertised in every state.</summary>
    private static readonly string[] Always =
    [
        "IMAP4rev1",     // RFC 3501
        "IMAP4rev2",     // RFC 9051
        "ID",            // RFC 2971
        "ENABLE",        // RFC 5161
        "IDLE",          // RFC 2177
        "LITERAL+",      // RFC 7888
        "SASL-IR",       // RFC 4959
    ];

    /// <summary>Advertised once logged in (RFC 9051 §7.2.2: the list may change after authentication).</summary>
    private static readonly string[] Authenticated =
    [
        "NAMESPACE",     // RFC 2342
        "UNSELECT",      // RFC 3691
        "UIDPLUS",       // RFC 4315
        "MOVE",          // RFC 6851
        "CHILDREN",      // RFC 3348
        "LIST-EXTENDED", // RFC 5258
        "LIST-STATUS",   // RFC 5819
        "SPECIAL-USE",   // RFC 6154
        "ESEARCH",       // RFC 4731
        "SEARCHRES",     // RFC 5182
        "STATUS=SIZE",   // RFC 8438
        "BINARY",        // RFC 3516
        "UTF8=ACCEPT",   // RFC 6855
        "CONDSTORE",     // RFC 7162
        "QRESYNC",       // RFC 7162
    ];

    public static string For(bool authenticated, bool canStartTls, bool plaintextAllowed, IReadOnlyList<string> mechanisms, long appendLimit)
    {
        var list = new List<string>(Always);
        if (!authenticated)
        {
            if (canStartTls)
            {
                list.Add("STARTTLS"); // RFC 9051 §6.2.1
            }

            if (!plaintextAllowed)
            {
                list.Add("LOGINDISABLED"); // RFC 9051 §6.2.3
            }

            foreach (var mechanism in mechanisms)
            {
                if (plaintextAllowed || mechanism.StartsWith("SCRAM-", StringComparison.Ordinal))
                {
                    list.Add("AUTH=" + mechanism); // RFC 9051 §6.2.2
                }
            }
        }
        else
        {
            list.AddRange(Authenticated);
            list.Add("APPENDLIMIT=" + appendLimit.ToString(System.Globalization.CultureInfo.InvariantCulture)); // RFC 7889
        }

        return string.Join(' ', list);
    }
}
