// RFC 1939 §5 DELE and RSET: marks only; the UPDATE state (§6) acts on them.
using System.Globalization;
using EdgeMail.Pop3.Protocol;
using EdgeMail.Pop3.Session;

namespace EdgeMail.Pop3.Commands;

internal static class Delete
{
    public static ValueTask<Pop3Reply> DeleAsync(Pop3Session session, Pop3Command command, CancellationToken stopping)
    {
        var maildrop = session.Maildrop!;
        var number = ((MessageCommand)command).Message!.Value;
        if (number >= 1 && number <= maildrop.Messages.Count && maildrop.Messages[number - 1].Deleted)
        {
            throw new ProtocolException(Pop3Replies.AlreadyDeleted, clientFault: false);
        }

        Listing.Find(maildrop, number).Deleted = true;
        return ValueTask.FromResult(Pop3Replies.MessageDeleted);
    }

    public static ValueTask<Pop3Reply> RsetAsync(Pop3Session session, Pop3Command command, CancellationToken stopping)
    {
        var maildrop = session.Maildrop!;
        maildrop.Reset();
        var (count, octets) = maildrop.Totals();
        return ValueTask.FromResult(Pop3Reply.Success(string.Create(CultureInfo.InvariantCulture, $"maildrop has {count} messages ({octets} octets)")));
    }
}
