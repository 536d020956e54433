// RFC 1939 §5 NOOP.
using EdgeMail.Pop3.Protocol;
using EdgeMail.Pop3.Session;

namespace EdgeMail.Pop3.Commands;

internal static class Noop
{
    public static ValueTask<Pop3Reply> RunAsync(Pop3Session session, Pop3Command command, CancellationToken stopping)
    {
        return ValueTask.FromResult(Pop3Replies.Ok);
    }
}
