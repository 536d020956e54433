using System.Globalization;
using System.Xml;

namespace EdgeMail.Web.Autoconfig;

/// <summary>
/// Microsoft's Autodiscover for Outlook, the plain-old-XML form ([MS-OXDSCLI]): the client POSTs its
/// address in the request schema, and the answer names the servers in the Outlook response schema (2006a): an
/// Account of type email with Action settings and one Protocol entry each for IMAP, POP3 and SMTP, the best of each.
/// Anything that is not such a request gets the protocol's Error answer (600 Invalid Request), never a server error.
/// </summary>
internal static class Autodiscover
{
    public const string RequestSchema = "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006";

    public const string ResponseSchema = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006";

    public const string OutlookResponseSchema = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";

    public const string ContentType = "text/xml; charset=utf-8";

    /// <summary>The request is not well-formed, or not the Outlook request schema ([MS-OXDSCLI]).</summary>
    public const int InvalidRequest = 600;

    /// <summary>The client accepts only a response schema other than Outlook's (ActiveSync's mobilesync, for one).</summary>
    public const int SchemaNotSupported = 601;

    /// <summary>What the request asked: the address (normalized), or the error to answer.</summary>
    public readonly record struct Request(string? Address, int ErrorCode);

    /// <summary>
    /// Reads the request from <paramref name="body"/> (already bounded by the caller): an <c>Autodiscover</c> root in
    /// the request schema with a <c>Request</c> holding <c>EMailAddress</c> and, optionally,
    /// <c>AcceptableResponseSchema</c> (absent: Outlook's). DTDs are refused and the size is capped.
    /// </summary>
    public static Request Parse(Stream body, long maxCharacters)
    {
        ArgumentNullException.ThrowIfNull(body);
        string? address = null;
        string? schema = null;
        try
        {
            using var reader = XmlReader.Create(body, XmlDocuments.UntrustedReader(maxCharacters));
            if (reader.MoveToContent() != XmlNodeType.Element || reader.LocalName != "Autodiscover" || reader.NamespaceURI != RequestSchema)
            {
                return new Request(null, InvalidRequest);
            }

            var depth = reader.Depth;
            reader.Read();
            // ReadElementContentAsString moves to the node after the element: read on only where nothing was taken.
            var inRequest = false;
            while (!reader.EOF)
            {
                if (reader.NodeType == XmlNodeType.Element && reader.Depth == depth + 1)
                {
                    inRequest = reader.LocalName == "Request" && reader.NamespaceURI == RequestSchema;
                }
                var wanted = inRequest && reader.NodeType == XmlNodeType.Element && reader.NamespaceURI == RequestSchema && reader.Depth == depth + 2;
                if (wanted && reader.LocalName == "EMailAddress")
                {
                    address = reader.ReadElementContentAsString();
                }
                else if (wanted && reader.LocalName == "AcceptableResponseSchema")
                {
                    schema = reader.ReadElementContentAsString().Trim();
                }
                else
                {
                    reader.Read();
                }
            }
        }
        catch (XmlException)
        {
            return new Request(null, InvalidRequest);
        }

        if (schema is { Length: > 0 } && schema != OutlookResponseSchema)
        {
            return new Request(null, SchemaNotSupported);
        }
        return MailAddressText.Normalize(address) is { } normalized ? new Request(normalized, 0) : new Request(null, InvalidRequest);
    }

    /// <summary>The settings answer for <paramref name="settings"/>, whose Address must be set.</summary>
    public static byte[] Write(MailClientSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var address = settings.Address ?? throw new ArgumentException("Autodiscover answers for an address", nameof(settings));
        return XmlDocuments.Write(xml =>
        {
            xml.WriteStartElement("Autodiscover", ResponseSchema);
            xml.WriteStartElement("Response", OutlookResponseSchema);
            xml.WriteStartElement("User", OutlookResponseSchema);
            xml.WriteElementString("DisplayName", OutlookResponseSchema, settings.DisplayName);
            xml.WriteEndElement();
            xml.WriteStartElement("Account", OutlookResponseSchema);
            xml.WriteElementString("AccountType", OutlookResponseSchema, "email");
            xml.WriteElementString("Action", OutlookResponseSchema, "settings");
            foreach (var protocol in (ReadOnlySpan<MailProtocol>)[MailProtocol.Imap, MailProtocol.Pop3, MailProtocol.Smtp])
            {
                if (settings.Best(protocol) is { } server)
                {
                    Protocol(xml, server, settings.HostName, address);
                }
            }
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndElement();
        });
    }

    /// <summary>The protocol's Error answer ([MS-OXDSCLI]): a time, an id, the code and its message.</summary>
    public static byte[] WriteError(int errorCode, DateTimeOffset now)
    {
        var message = errorCode == SchemaNotSupported ? "The requested schema version is not supported" : "Invalid Request";
        return XmlDocuments.Write(xml =>
        {
            xml.WriteStartElement("Autodiscover", ResponseSchema);
            xml.WriteStartElement("Response", ResponseSchema);
            xml.WriteStartElement("Error", ResponseSchema);
            xml.WriteAttributeString("Time", now.UtcDateTime.ToString("HH:mm:ss.fffffff", CultureInfo.InvariantCulture));
            xml.WriteAttributeString("Id", ((uint)now.ToUnixTimeMilliseconds()).ToString(CultureInfo.InvariantCulture));
            xml.WriteElementString("ErrorCode", ResponseSchema, errorCode.ToString(CultureInfo.InvariantCulture));
            xml.WriteElementString("Message", ResponseSchema, message);
            xml.WriteElementString("DebugData", ResponseSchema, "");
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndElement();
        });
    }

    private static void Protocol(XmlWriter xml, MailServer server, string host, string address)
    {
        xml.WriteStartElement("Protocol", OutlookResponseSchema);
        xml.WriteElementString("Type", OutlookResponseSchema, server.Protocol switch
        {
            MailProtocol.Imap => "IMAP",
            MailProtocol.Pop3 => "POP3",
            _ => "SMTP",
        });
        xml.WriteElementString("Server", OutlookResponseSchema, host);
        xml.WriteElementString("Port", OutlookResponseSchema, server.Port.ToString(CultureInfo.InvariantCulture));
        xml.WriteElementString("LoginName", OutlookResponseSchema, address);
        xml.WriteElementString("DomainRequired", OutlookResponseSchema, "off");
        // SPA is NTLM, which the box does not speak: a password over TLS.
        xml.WriteElementString("SPA", OutlookResponseSchema, "off");
        xml.WriteElementString("SSL", OutlookResponseSchema, "on");
        // Encryption overrides SSL where the client knows it: SSL is implicit TLS, TLS the STARTTLS upgrade.
        xml.WriteElementString("Encryption", OutlookResponseSchema, server.Security == MailSecurity.Tls ? "SSL" : "TLS");
        xml.WriteElementString("AuthRequired", OutlookResponseSchema, "on");
        if (server.Protocol == MailProtocol.Smtp)
        {
            // The submission login is the incoming one ([MS-OXDSCLI], UsePOPAuth).
            xml.WriteElementString("UsePOPAuth", OutlookResponseSchema, "on");
        }
        xml.WriteEndElement();
    }
}
