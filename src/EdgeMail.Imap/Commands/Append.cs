using EdgeMail.Imap.Protocol;
using EdgeMail.Imap.Session;
using EdgeMail.Store.Messages;

namespace EdgeMail.Imap.Commands;

// RFC 9051 §6.3.12 APPEND; RFC 4315 §3 APPENDUID; RFC 7889 APPENDLIMIT; RFC 3516 literal8.
internal static class Append
{
    public static async Task<CommandResult> AppendAsync(ImapSession session, ImapCommand command, CancellationToken cancellationToken)
    {
        var (name, flags, keywords, date, message) = Parse(session, command);
        var mailbox = await session.Store.GetMailboxAsync(session.Account!.Id, name, cancellationToken).ConfigureAwait(false);
        if (mailbox is null)
        {
            // RFC 9051 §6.3.12: TRYCREATE when the mailbox does not exist.
            return CommandResult.No("TRYCREATE", "no such mailbox");
        }

        if (message.Length == 0)
        {
            throw ProtocolException.No("CANNOT", "an empty message cannot be appended");
        }

        if (message.Length > session.Options.MaxAppendBytes)
        {
            return CommandResult.No("TOOBIG", $"the message is larger than APPENDLIMIT ({session.Options.MaxAppendBytes} octets)");
        }

        AppendResult result;
        await using (var body = message.OpenRead())
        {
            result = await session.Store.AppendAsync(mailbox.Id, new AppendRequest(body, flags, keywords, date), cancellationToken).ConfigureAwait(false);
        }

        return CommandResult.WithCode($"APPENDUID {result.UidValidity} {result.Uid}", "APPEND completed");
    }

    private static (string Name, MessageFlags Flags, List<string> Keywords, DateTimeOffset? Date, LiteralValue Message) Parse(ImapSession session, ImapCommand command)
    {
        var args = command.Arguments();
        args.ReadSpace();
        var name = session.DecodeMailboxName(args.ReadAstring());
        args.ReadSpace();
        var flags = MessageFlags.None;
        var keywords = new List<string>();
        if (args.Peek == '(')
        {
            (flags, keywords) = Select.SplitFlags(args.ReadFlagList());
            args.ReadSpace();
        }

        DateTimeOffset? date = null;
        if (args.Peek == '"')
        {
            date = args.ReadDateTime();
            args.ReadSpace();
        }

        // RFC 6855 §4: UTF8 (literal8) is how UTF8=ACCEPT clients append.
        var utf8 = args.TryReadKeyword("UTF8");
        if (utf8)
        {
            args.ReadSpace();
            args.Expect('(');
        }

        var message = args.ReadLiteralValue();
        if (utf8)
        {
            args.Expect(')');
        }

        args.ExpectEnd();
        return (name, flags, keywords, date, message);
    }
}
