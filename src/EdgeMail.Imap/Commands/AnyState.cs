using EdgeMail.Imap.Protocol;
using EdgeMail.Imap.Session;

namespace EdgeMail.Imap.Commands;

// RFC 9051 §6.1 (CAPABILITY, NOOP, LOGOUT), §6.4.1 CHECK (now NOOP); RFC 2971 ID.
internal static class AnyState
{
    public static Task<CommandResult> CapabilityAsync(ImapSession session, ImapCommand command, CancellationToken cancellationToken)
    {
        command.Arguments().ExpectEnd();
        session.Writer.Raw("* CAPABILITY ").Raw(session.CapabilityText).Crlf();
        return Task.FromResult(CommandResult.Done("CAPABILITY completed"));
    }

    /// <summary>NOOP and CHECK: the pending updates are what the client wants (RFC 9051 §6.1.2).</summary>
    public static Task<CommandResult> NoopAsync(ImapSession session, ImapCommand command, CancellationToken cancellationToken)
    {
        command.Arguments().ExpectEnd();
        return Task.FromResult(CommandResult.Done($"{command.Name} completed"));
    }

    public static async Task<CommandResult> LogoutAsync(ImapSession session, ImapCommand command, CancellationToken cancellationToken)
    {
        command.Arguments().ExpectEnd();
        session.Writer.Raw("* BYE EdgeMail IMAP logging out\r\n").Raw(command.Tag).Raw(" OK LOGOUT completed\r\n");
        await session.Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        session.State = ImapState.Logout;
        return CommandResult.Done();
    }

    /// <summary>RFC 2971 §3.1: ID ("name" "value" ...) or ID NIL; the server answers with its own.</summary>
    public static Task<CommandResult> IdAsync(ImapSession session, ImapCommand command, CancellationToken cancellationToken)
    {
        var args = command.Arguments();
        args.ReadSpace();
        if (!args.TryReadKeyword("NIL"))
        {
            args.Expect('(');
            var pairs = 0;
            while (!args.TryReadByte((byte)')'))
            {
                if (pairs > 0)
                {
                    args.ReadSpace();
                }

                args.ReadString();
                args.ReadSpace();
                args.ReadNString();

                // RFC 2971 §3.3: at most 30 field-value pairs.
                if (++pairs > 30)
                {
                    throw new ImapParseException("ID takes at most 30 field-value pairs");
                }
            }
        }

        args.ExpectEnd();
        session.Writer.Raw("* ID (\"name\" \"EdgeMail\" \"vendor\" \"EdgeMail\" \"support-url\" \"https://edgemail.local/\")\r\n");
        return Task.FromResult(CommandResult.Done("ID completed"));
    }
}
