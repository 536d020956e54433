namespace EdgeMail.Web.Hosting;

/// <summary>
/// What the page shows of the rest of the box and cannot read from the store, Auth or the device layer itself: the
/// host implements it (the page never references a protocol project or Net). One call per status request; each member
/// is cheap or cached by the host.
/// </summary>
public interface IBoxInfo
{
    /// <summary>The program's version, as <c>edgemail --version</c> prints it.</summary>
    string Version { get; }

    /// <summary>When <c>serve</c> started.</summary>
    DateTimeOffset StartedAt { get; }

    /// <summary>The mail listeners the service really has bound (not the page's own).</summary>
    IReadOnlyList<ServiceListener> GetMailListeners();

    /// <summary>Space used by mail, free on the device, and Storage:MinFreeBytes.</summary>
    StorageUse GetStorage();

    /// <summary>The mail ports and TLS modes a client is told to use (autoconfig, the Apple profile, the page).</summary>
    MailPorts GetMailPorts();

    /// <summary>The local mail domains (Domains); empty: any.</summary>
    IReadOnlyList<string> Domains { get; }
}

/// <summary>One bound socket: service (<c>imap</c>, <c>imaps</c>, ... <c>http</c>, <c>https</c>), address, port, TLS (<c>implicit</c>, <c>starttls</c>, <c>none</c>).</summary>
public sealed record ServiceListener(string Service, string Address, int Port, string Tls);

/// <summary>The data folder's use: bytes of mail (database and bodies), free bytes on its file system (null if unknown), Storage:MinFreeBytes.</summary>
public sealed record StorageUse(long MailBytes, long? FreeBytes, long MinFreeBytes);

/// <summary>
/// The ports a mail client should use, 0 where a service is off: IMAP (STARTTLS) and IMAPS, POP3 (STLS) and POP3S,
/// submission (STARTTLS, RFC 6409) and submissions (implicit TLS, RFC 8314).
/// </summary>
public sealed record MailPorts(int Imap, int ImapTls, int Pop3, int Pop3Tls, int Submission, int SubmissionTls);
