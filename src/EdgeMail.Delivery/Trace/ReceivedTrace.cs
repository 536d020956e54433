// RFC 5321 §4.4 trace information (the Received time stamp line); RFC 3848 the "with" protocol names.
using System.Net;
using System.Net.Sockets;
using System.Text;
using MimeKit.Utils;

namespace EdgeMail.Delivery.Trace;

/// <summary>
/// The Received line a message gets as it comes in, first of its header (RFC 5321 §4.4): where from (the name the
/// client gave and its address), by which host, with which protocol, under which id, over which TLS, for whom
/// ("for" only with a single recipient, so that Bcc recipients stay hidden) and when. <see cref="Comment"/> is one
/// more comment after the TLS one: the fetch account a message was pulled by.
/// </summary>
public sealed record ReceivedTrace(
    string? ClientName,
    IPAddress ClientAddress,
    string ByHost,
    string Protocol,
    string Id,
    string? Tls,
    string? ForRecipient,
    DateTimeOffset Date,
    string? Comment = null)
{
    /// <summary>RFC 3848 protocol name for SMTP: ESMTP, with S for TLS and A for AUTH (the S and A forms exist for ESMTP only).</summary>
    public static string SmtpProtocol(bool extended, bool secure, bool authenticated)
    {
        var protocol = (extended ? "ESMTP" : "SMTP") + (secure ? "S" : "") + (authenticated ? "A" : "");
        return protocol is "SMTPS" or "SMTPA" or "SMTPSA" ? "E" + protocol : protocol;
    }

    /// <summary>The header field, folded, with its CRLF.</summary>
    public byte[] Format()
    {
        var remote = ClientAddress.IsIPv4MappedToIPv6 ? ClientAddress.MapToIPv4() : ClientAddress;
        var literal = remote.AddressFamily == AddressFamily.InterNetworkV6 ? "IPv6:" + remote : remote.ToString();
        var tls = (Tls is null ? "" : $"\r\n\t({Tls})") + (Comment is null ? "" : $"\r\n\t({SanitizeComment(Comment)})");
        var forClause = ForRecipient is null ? "" : $"\r\n\tfor <{ForRecipient}>";
        var text = $"Received: from {Sanitize(ClientName ?? "unknown")} ([{literal}])\r\n\tby {ByHost} (EdgeMail) with {Protocol} id {Id}{tls}{forClause};\r\n\t{DateUtils.FormatDate(Date)}\r\n";
        return Encoding.UTF8.GetBytes(text);
    }

    /// <summary>Text for a comment (RFC 5322 §3.2.2): printable, no parentheses or backslash, at most 255 characters.</summary>
    private static string SanitizeComment(string text) => new(text.Where(c => c >= ' ' && c <= '~' && c is not ('(' or ')' or '\\')).Take(255).ToArray());

    /// <summary>The client's name as a trace token: no spaces, comments or separators, at most 255 characters.</summary>
    private static string Sanitize(string text) => new(text.Where(c => c > ' ' && c != '(' && c != ')' && c != ';').Take(255).ToArray());
}
