using EdgeMail.Web.Hosting;

namespace EdgeMail.Web.Autoconfig;

/// <summary>
/// Everything a mail client is told, in one record, from which every document is written (Thunderbird's autoconfig,
/// Autodiscover, the Apple profile): the host name to connect to, the account address (null when the request named
/// none or an invalid one: each document then uses its format's placeholder or lets the client ask), a display name,
/// the mail domains, and the servers that are on, each with its port and TLS mode, best first.
/// </summary>
public sealed record MailClientSettings(string HostName, string? Address, string DisplayName, IReadOnlyList<string> Domains, IReadOnlyList<MailServer> Servers)
{
    /// <summary>The name clients show for the box's account when the address gives none.</summary>
    public const string DefaultDisplayName = "EdgeMail";

    /// <summary>
    /// The servers of <paramref name="ports"/> that are on (a port of 0 is off, skipped), best first within each
    /// protocol: implicit TLS before STARTTLS (RFC 8314 §3.3, which recommends implicit TLS to clients).
    /// </summary>
    public static IReadOnlyList<MailServer> ServersOf(MailPorts ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        var servers = new List<MailServer>(6);
        Add(servers, MailProtocol.Imap, ports.ImapTls, MailSecurity.Tls);
        Add(servers, MailProtocol.Imap, ports.Imap, MailSecurity.StartTls);
        Add(servers, MailProtocol.Pop3, ports.Pop3Tls, MailSecurity.Tls);
        Add(servers, MailProtocol.Pop3, ports.Pop3, MailSecurity.StartTls);
        Add(servers, MailProtocol.Smtp, ports.SubmissionTls, MailSecurity.Tls);
        Add(servers, MailProtocol.Smtp, ports.Submission, MailSecurity.StartTls);
        return servers;

        static void Add(List<MailServer> list, MailProtocol protocol, int port, MailSecurity security)
        {
            if (port != 0)
            {
                list.Add(new MailServer(protocol, port, security));
            }
        }
    }

    /// <summary>The domain the documents are about: the address's, else the first mail domain, else the host name.</summary>
    public string Domain => Address is { } address ? address[(address.LastIndexOf('@') + 1)..] : Domains.Count > 0 ? Domains[0] : HostName;

    /// <summary>The servers of one protocol, best first.</summary>
    public IEnumerable<MailServer> Of(MailProtocol protocol) => Servers.Where(s => s.Protocol == protocol);

    /// <summary>The best server of one protocol, or null when it is off.</summary>
    public MailServer? Best(MailProtocol protocol) => Of(protocol).FirstOrDefault();
}

/// <summary>One server a client may use: the protocol, its port and how TLS starts there.</summary>
public sealed record MailServer(MailProtocol Protocol, int Port, MailSecurity Security);

/// <summary>IMAP, POP3, or SMTP submission (RFC 6409, RFC 8314).</summary>
public enum MailProtocol
{
    Imap,
    Pop3,
    Smtp,
}

/// <summary>Implicit TLS (IMAPS, POP3S, submissions; RFC 8314) or a STARTTLS/STLS upgrade. Nothing is offered in the clear.</summary>
public enum MailSecurity
{
    Tls,
    StartTls,
}
