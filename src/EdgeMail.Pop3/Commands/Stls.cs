// RFC 2595 §4 STLS; RFC 3207 §4.2 and CVE-2011-0411 for data sent ahead of the handshake.
using EdgeMail.Net;
using EdgeMail.Pop3.Protocol;
using EdgeMail.Pop3.Session;

namespace EdgeMail.Pop3.Commands;

internal static class Stls
{
    public static async ValueTask<Pop3Reply> RunAsync(Pop3Session session, Pop3Command command, CancellationToken stopping)
    {
        if (session.Connection.IsSecure)
        {
            throw new ProtocolException(Pop3Replies.TlsActive, clientFault: true);
        }

        if (!session.Connection.CanUpgradeToTls)
        {
            throw new ProtocolException(Pop3Replies.TlsUnavailable, clientFault: false);
        }

        session.Reply(Pop3Replies.BeginTls);
        try
        {
            await session.Connection.UpgradeToTlsAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (StartTlsInjectionException)
        {
            Log.StartTlsInjection(session.Logger);
            session.Closing = true;
            return Pop3Reply.Answered;
        }
        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException or TimeoutException or OperationCanceledException)
        {
            Log.TlsFailed(session.Logger, ex);
            session.Closing = true;
            return Pop3Reply.Answered;
        }

        // RFC 2595 §4: the client forgets what it knew; so does the server (a USER sent before STLS).
        session.PendingUser = null;
        session.Utf8 = false;
        return Pop3Reply.Answered;
    }
}
