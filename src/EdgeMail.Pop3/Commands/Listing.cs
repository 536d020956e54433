// RFC 1939 §5 STAT and LIST, §7 UIDL; sizes are octets with CRLF line ends before byte-stuffing (§5).
using System.Globalization;
using EdgeMail.Pop3.Protocol;
using EdgeMail.Pop3.Session;

namespace EdgeMail.Pop3.Commands;

internal static class Listing
{
    public static ValueTask<Pop3Reply> StatAsync(Pop3Session session, Pop3Command command, CancellationToken stopping)
    {
        var (count, octets) = session.Maildrop!.Totals();
        Pop3ResponseWriter.WriteOkCounts(session.Output, count, octets);
        return ValueTask.FromResult(Pop3Reply.Answered);
    }

    public static ValueTask<Pop3Reply> ListAsync(Pop3Session session, Pop3Command command, CancellationToken stopping)
    {
        var maildrop = session.Maildrop!;
        if (((MessageCommand)command).Message is { } number)
        {
            var message = Find(maildrop, number);
            Pop3ResponseWriter.WriteOkCounts(session.Output, number, message.Size);
            return ValueTask.FromResult(Pop3Reply.Answered);
        }

        var (count, octets) = maildrop.Totals();
        session.Reply(Pop3Reply.Success(string.Create(CultureInfo.InvariantCulture, $"{count} messages ({octets} octets)")));

        // RFC 1939 §5: deleted messages are not listed.
        for (var i = 0; i < maildrop.Messages.Count; i++)
        {
            if (!maildrop.Messages[i].Deleted)
            {
                Pop3ResponseWriter.WriteCountLine(session.Output, i + 1, maildrop.Messages[i].Size);
            }
        }

        Pop3ResponseWriter.WriteTerminator(session.Output);
        return ValueTask.FromResult(Pop3Reply.Answered);
    }

    public static ValueTask<Pop3Reply> UidlAsync(Pop3Session session, Pop3Command command, CancellationToken stopping)
    {
        var maildrop = session.Maildrop!;
        if (((MessageCommand)command).Message is { } number)
        {
            var message = Find(maildrop, number);
            Pop3ResponseWriter.WriteOkMessageText(session.Output, number, message.UniqueId);
            return ValueTask.FromResult(Pop3Reply.Answered);
        }

        session.Reply(Pop3Replies.UidListFollows);
        for (var i = 0; i < maildrop.Messages.Count; i++)
        {
            if (!maildrop.Messages[i].Deleted)
            {
                Pop3ResponseWriter.WriteMessageTextLine(session.Output, i + 1, maildrop.Messages[i].UniqueId);
            }
        }

        Pop3ResponseWriter.WriteTerminator(session.Output);
        return ValueTask.FromResult(Pop3Reply.Answered);
    }

    /// <summary>The message, or -ERR for a number out of range or marked deleted (RFC 1939 §5).</summary>
    public static MaildropMessage Find(Maildrop maildrop, int number) =>
        maildrop.Find(number) ?? throw new ProtocolException(Pop3Replies.NoSuchMessage, clientFault: false);
}
