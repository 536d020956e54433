using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml;

namespace EdgeMail.Web.Autoconfig;

/// <summary>
/// An Apple configuration profile (<c>.mobileconfig</c>, an XML property list; Apple's Configuration Profile
/// Reference) for iPhone, iPad and macOS: a <c>com.apple.mail.managed</c> payload with the account, and, when the box
/// has its own CA, a <c>com.apple.security.root</c> payload with that certificate. Unsigned: iOS shows it as "Not
/// Verified" (signing would need a certificate the phone already trusts, which is what the profile brings).
/// The UUIDs and identifiers are derived from the box and the address, so installing a newer profile for the same
/// account replaces the old one instead of adding a second account.
/// </summary>
internal static class AppleProfile
{
    public const string ContentType = "application/x-apple-aspen-config";

    /// <summary>
    /// The profile for <paramref name="settings"/>. <paramref name="appPassword"/> is embedded (IncomingPassword)
    /// only in the one-time answer of a pairing; without it the device asks for the password on install, as it asks
    /// for the address when <see cref="MailClientSettings.Address"/> is null. <paramref name="authorityDer"/> (the
    /// box's CA, or null) becomes the root payload. <paramref name="boxKey"/> is something stable and unique to the
    /// box (its CA's fingerprint, else its machine name), for the UUIDs.
    /// </summary>
    public static byte[] Write(MailClientSettings settings, string boxKey, byte[]? authorityDer, string? appPassword)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(boxKey);
        var seed = boxKey + "\n" + (settings.Address ?? "");
        var identifier = ReverseDns(settings.Domain) + ".edgemail." + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(seed)))[..16];

        // IMAP when it is on, else POP (the profile names one incoming server); submission for outgoing.
        var incoming = settings.Best(MailProtocol.Imap) ?? settings.Best(MailProtocol.Pop3);
        var outgoing = settings.Best(MailProtocol.Smtp);

        return XmlDocuments.Write(xml =>
        {
            xml.WriteDocType("plist", "-//Apple//DTD PLIST 1.0//EN", "http://www.apple.com/DTDs/PropertyList-1.0.dtd", null);
            xml.WriteStartElement("plist");
            xml.WriteAttributeString("version", "1.0");
            xml.WriteStartElement("dict");

            Key(xml, "PayloadContent");
            xml.WriteStartElement("array");
            if (incoming is not null && outgoing is not null)
            {
                MailPayload(xml, settings, incoming, outgoing, appPassword, identifier + ".mail", Uuid(seed, "mail"));
            }
            if (authorityDer is not null)
            {
                RootPayload(xml, settings, authorityDer, identifier + ".ca", Uuid(seed, "ca"));
            }
            xml.WriteEndElement();

            Text(xml, "PayloadDescription", appPassword is null
                ? $"Sets up mail with {settings.HostName}. You are asked for the account's password (or an app password) on install."
                : $"Sets up mail with {settings.HostName}, with this device's own app password.");
            Text(xml, "PayloadDisplayName", settings.Address is null ? $"{settings.DisplayName} mail" : $"{settings.DisplayName} mail ({settings.Address})");
            Text(xml, "PayloadIdentifier", identifier);
            Text(xml, "PayloadOrganization", settings.DisplayName);
            Bool(xml, "PayloadRemovalDisallowed", false);
            Text(xml, "PayloadType", "Configuration");
            Text(xml, "PayloadUUID", Uuid(seed, "profile"));
            Integer(xml, "PayloadVersion", 1);

            xml.WriteEndElement();
            xml.WriteEndElement();
        });
    }

    private static void MailPayload(XmlWriter xml, MailClientSettings settings, MailServer incoming, MailServer outgoing, string? appPassword, string identifier, string uuid)
    {
        xml.WriteStartElement("dict");
        Text(xml, "EmailAccountDescription", $"{settings.DisplayName} ({settings.HostName})");
        Text(xml, "EmailAccountType", incoming.Protocol == MailProtocol.Imap ? "EmailTypeIMAP" : "EmailTypePOP");
        // Absent keys are asked for on install: the address and user names when the request named no address.
        if (settings.Address is { } address)
        {
            Text(xml, "EmailAddress", address);
        }
        Text(xml, "IncomingMailServerAuthentication", "EmailAuthPassword");
        Text(xml, "IncomingMailServerHostName", settings.HostName);
        Integer(xml, "IncomingMailServerPortNumber", incoming.Port);
        // UseSSL is TLS either way: iOS and macOS use implicit TLS on the TLS port and STARTTLS on the other.
        Bool(xml, "IncomingMailServerUseSSL", true);
        if (settings.Address is { } user)
        {
            Text(xml, "IncomingMailServerUsername", user);
        }
        if (appPassword is not null)
        {
            Text(xml, "IncomingPassword", appPassword);
        }
        Text(xml, "OutgoingMailServerAuthentication", "EmailAuthPassword");
        Text(xml, "OutgoingMailServerHostName", settings.HostName);
        Integer(xml, "OutgoingMailServerPortNumber", outgoing.Port);
        Bool(xml, "OutgoingMailServerUseSSL", true);
        if (settings.Address is { } outgoingUser)
        {
            Text(xml, "OutgoingMailServerUsername", outgoingUser);
        }
        Bool(xml, "OutgoingPasswordSameAsIncomingPassword", true);
        Text(xml, "PayloadDisplayName", $"{settings.DisplayName} mail");
        Text(xml, "PayloadIdentifier", identifier);
        Text(xml, "PayloadType", "com.apple.mail.managed");
        Text(xml, "PayloadUUID", uuid);
        Integer(xml, "PayloadVersion", 1);
        xml.WriteEndElement();
    }

    private static void RootPayload(XmlWriter xml, MailClientSettings settings, byte[] der, string identifier, string uuid)
    {
        xml.WriteStartElement("dict");
        Text(xml, "PayloadCertificateFileName", "edgemail-ca.cer");
        Key(xml, "PayloadContent");
        xml.WriteStartElement("data");
        xml.WriteBase64(der, 0, der.Length);
        xml.WriteEndElement();
        Text(xml, "PayloadDescription", $"The certificate authority of {settings.HostName}, for TLS without warnings. On iOS, turn on full trust in Settings › General › About › Certificate Trust Settings.");
        Text(xml, "PayloadDisplayName", $"{settings.DisplayName} certificate authority");
        Text(xml, "PayloadIdentifier", identifier);
        Text(xml, "PayloadType", "com.apple.security.root");
        Text(xml, "PayloadUUID", uuid);
        Integer(xml, "PayloadVersion", 1);
        xml.WriteEndElement();
    }

    /// <summary>A UUID derived from <paramref name="seed"/> and the payload's role: RFC 9562 §5.8's version 8, from SHA-256.</summary>
    internal static string Uuid(string seed, string role)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(seed + "\n" + role), hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        var hex = Convert.ToHexString(hash[..16]);
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }

    /// <summary><c>mail.example.com</c> → <c>com.example.mail</c>.</summary>
    internal static string ReverseDns(string name)
    {
        var labels = name.ToLowerInvariant().Split('.', StringSplitOptions.RemoveEmptyEntries);
        Array.Reverse(labels);
        return string.Join('.', labels);
    }

    private static void Key(XmlWriter xml, string key) => xml.WriteElementString("key", key);

    private static void Text(XmlWriter xml, string key, string value)
    {
        Key(xml, key);
        xml.WriteElementString("string", value);
    }

    private static void Integer(XmlWriter xml, string key, int value)
    {
        Key(xml, key);
        xml.WriteElementString("integer", value.ToString(CultureInfo.InvariantCulture));
    }

    private static void Bool(XmlWriter xml, string key, bool value)
    {
        Key(xml, key);
        xml.WriteStartElement(value ? "true" : "false");
        xml.WriteEndElement();
    }
}
