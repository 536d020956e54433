// RFC 1939 §5 NOOP.
using EdgeMail.Pop3.Protocol;
using EdgeMail.Pop3.Session;

namespace EdgeMail.Pop3.Commands;

internal static class Noop
{
    public static ValueTask RunAsync(Pop3Session session, Pop3Command command, CancellationToken stopping)
    {
        session.Reply(Pop3Replies.Ok);
        return ValueTask.CompletedTask;
    }
}
