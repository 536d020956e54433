namespace EdgeMail.Smtp.Session;

/// <summary>The EHLO keywords (RFC 5321 §4.1.1.1), one per extension, in the order they are advertised.</summary>
internal static class Capabilities
{
    public const string Pipelining = "PIPELINING";                   // RFC 2920
    public const string EightBitMime = "8BITMIME";                   // RFC 6152
    public const string SmtpUtf8 = "SMTPUTF8";                       // RFC 6531
    public const string EnhancedStatusCodes = "ENHANCEDSTATUSCODES"; // RFC 2034
    public const string Chunking = "CHUNKING";                       // RFC 3030
    public const string Dsn = "DSN";                                 // RFC 3461
    public const string StartTls = "STARTTLS";                       // RFC 3207; offered while TLS is possible and not on
    public const string Size = "SIZE";                               // RFC 1870; with the limit in bytes
    public const string Auth = "AUTH";                               // RFC 4954; with TLS or on loopback (RFC 8314 §3)

    public static List<string> For(long maxMessageBytes, bool offerStartTls, IReadOnlyList<string>? authMechanisms)
    {
        var list = new List<string>
        {
            Pipelining,
            $"{Size} {maxMessageBytes}",
            EightBitMime,
            SmtpUtf8,
            EnhancedStatusCodes,
            Chunking,
            Dsn,
        };
        if (offerStartTls)
        {
            list.Add(StartTls);
        }

        if (authMechanisms is { Count: > 0 })
        {
            list.Add($"{Auth} {string.Join(' ', authMechanisms)}");
        }

        return list;
    }
}
