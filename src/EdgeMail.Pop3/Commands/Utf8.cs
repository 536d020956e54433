// RFC 6856 §2 UTF8.
using EdgeMail.Pop3.Protocol;
using EdgeMail.Pop3.Session;

namespace EdgeMail.Pop3.Commands;

internal static class Utf8
{
    /// <summary>
    /// Enables UTF-8 for the session. Messages are sent as stored: the store keeps what arrived, so there is nothing
    /// to down-convert for a client that did not ask (RFC 6856 §2 leaves that to the server).
    /// </summary>
    public static ValueTask<Pop3Reply> RunAsync(Pop3Session session, Pop3Command command, CancellationToken stopping)
    {
        session.Utf8 = true;
        return ValueTask.FromResult(Pop3Replies.Utf8Enabled);
    }
}
