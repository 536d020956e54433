using System.Globalization;
using System.Xml;

namespace EdgeMail.Web.Autoconfig;

/// <summary>
/// Thunderbird's autoconfig file, clientConfig version 1.1
/// (https://wiki.mozilla.org/Thunderbird:Autoconfiguration:ConfigFileFormat): one emailProvider for the domain,
/// the incoming servers (IMAP then POP3, implicit TLS before STARTTLS within each) and the submission servers.
/// Thunderbird asks it at <c>autoconfig.&lt;domain&gt;/mail/config-v1.1.xml</c> and
/// <c>&lt;domain&gt;/.well-known/autoconfig/mail/config-v1.1.xml</c>, over HTTP or HTTPS.
/// </summary>
internal static class ThunderbirdConfig
{
    /// <summary>The format's placeholders, for a request that named no valid address.</summary>
    public const string AddressPlaceholder = "%EMAILADDRESS%";

    public const string LocalPartPlaceholder = "%EMAILLOCALPART%";

    public const string ContentType = "text/xml; charset=utf-8";

    public static byte[] Write(MailClientSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return XmlDocuments.Write(xml =>
        {
            xml.WriteStartElement("clientConfig");
            xml.WriteAttributeString("version", "1.1");
            xml.WriteStartElement("emailProvider");
            xml.WriteAttributeString("id", settings.Domain);
            // Every domain this answer is good for: the address's, or (no address) all the box's mail domains.
            foreach (var domain in settings.Address is null && settings.Domains.Count > 0 ? settings.Domains : (IReadOnlyList<string>)[settings.Domain])
            {
                xml.WriteElementString("domain", domain);
            }
            xml.WriteElementString("displayName", $"{settings.DisplayName} ({settings.HostName})");
            xml.WriteElementString("displayShortName", settings.DisplayName);

            foreach (var server in settings.Of(MailProtocol.Imap).Concat(settings.Of(MailProtocol.Pop3)))
            {
                Server(xml, "incomingServer", server.Protocol == MailProtocol.Imap ? "imap" : "pop3", server, settings);
            }
            foreach (var server in settings.Of(MailProtocol.Smtp))
            {
                Server(xml, "outgoingServer", "smtp", server, settings);
            }

            xml.WriteEndElement();
            xml.WriteEndElement();
        });
    }

    private static void Server(XmlWriter xml, string element, string type, MailServer server, MailClientSettings settings)
    {
        xml.WriteStartElement(element);
        xml.WriteAttributeString("type", type);
        xml.WriteElementString("hostname", settings.HostName);
        xml.WriteElementString("port", server.Port.ToString(CultureInfo.InvariantCulture));
        // "SSL" is implicit TLS, "STARTTLS" the upgrade; "plain" is never offered.
        xml.WriteElementString("socketType", server.Security == MailSecurity.Tls ? "SSL" : "STARTTLS");
        xml.WriteElementString("username", settings.Address ?? AddressPlaceholder);
        // The password goes over TLS only (every server above is TLS); SCRAM-SHA-256 is offered by the server anyway,
        // and Thunderbird's password-encrypted means CRAM-MD5, which the box does not offer.
        xml.WriteElementString("authentication", "password-cleartext");
        xml.WriteEndElement();
    }
}
