namespace EdgeMail.Smtp.Session;

/// <summary>Where a session is in RFC 5321 §3.3's sequence; a command table entry lists the states it is allowed in.</summary>
[Flags]
internal enum SmtpState
{
    /// <summary>Greeted, no EHLO/HELO yet (or again after STARTTLS, RFC 3207 §4.2).</summary>
    Connected = 1,

    /// <summary>EHLO/HELO given, no transaction.</summary>
    Ready = 2,

    /// <summary>MAIL accepted, no recipient yet.</summary>
    Mail = 4,

    /// <summary>At least one recipient accepted.</summary>
    Rcpt = 8,

    /// <summary>BDAT chunks are being received (RFC 3030 §2).</summary>
    Chunking = 16,

    Any = Connected | Ready | Mail | Rcpt | Chunking,
}
