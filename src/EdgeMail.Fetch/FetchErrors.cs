using System.Net.Sockets;
using EdgeMail.Store;
using EdgeMail.Store.Fetch;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Security;

namespace EdgeMail.Fetch;

/// <summary>
/// What went wrong with a fetch, as one line for `edgemail fetch status`, the log and the web page: what the user can
/// act on, never a password (MailKit's messages hold none, and no protocol log is kept).
/// </summary>
internal static class FetchErrors
{
    public static string Describe(Exception error, FetchAccount account)
    {
        var where = $"{account.Host}:{account.Port}";
        return error switch
        {
            SslHandshakeException => $"the TLS handshake with {where} failed: its certificate is not trusted for {account.Host}, or it speaks no TLS on this port (check the host and port; --insecure-tls only as a last resort)",
            AuthenticationException => $"{where} refused the login of {account.User}: check the user and password (edgemail fetch remove, then add again)",
            SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData } => $"the name {account.Host} does not resolve",
            SocketException s => $"cannot reach {where} ({s.SocketErrorCode})",
            TimeoutException t => t.Message.Contains(account.Host, StringComparison.Ordinal) ? t.Message : $"{where} stopped answering (Fetch:Timeout)",
            ImapCommandException c => $"{where} refused a command: {c.Response} {OneLine(c.ResponseText)}",
            FolderNotFoundException f => $"{where} has no folder {f.FolderName}",
            ImapProtocolException or Pop3ProtocolException => $"{where} answered something that is not {(account.Protocol == FetchProtocol.Imap ? "IMAP" : "POP3")}: {OneLine(error.Message)}",
            Pop3CommandException p => $"{where} refused a command: {OneLine(p.StatusText ?? p.Message)}",
            ServiceNotConnectedException or IOException => $"the connection to {where} was lost",
            NotSupportedException n => $"{where}: {OneLine(n.Message)}",
            StoreException s => $"the local store refused the message: {OneLine(s.Message)}",
            _ => $"{where}: {OneLine(error.Message)}",
        };
    }

    private static string OneLine(string? text)
    {
        var line = (text ?? "").ReplaceLineEndings(" ").Trim();
        return line.Length > 200 ? line[..200] + "..." : line;
    }
}
