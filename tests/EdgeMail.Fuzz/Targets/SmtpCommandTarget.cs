using EdgeMail.Smtp.Protocol;
using EdgeMail.Smtp.Session;

namespace EdgeMail.Fuzz.Targets;

/// <summary>
/// SMTP command lines, one per LF (CR stripped as the framing does), through SmtpCommandReader as the session and the
/// MAIL, RCPT, BDAT, EHLO/HELO and AUTH handlers read them. The reader answers bad syntax with false; nothing may throw.
/// </summary>
internal static class SmtpCommandTarget
{
    public static void Run(byte[] input)
    {
        ReadOnlyMemory<byte> rest = input;
        while (!rest.IsEmpty)
        {
            var lf = rest.Span.IndexOf((byte)'\n');
            var line = lf < 0 ? rest : rest[..lf];
            rest = lf < 0 ? ReadOnlyMemory<byte>.Empty : rest[(lf + 1)..];
            if (!line.IsEmpty && line.Span[^1] == '\r')
            {
                line = line[..^1];
            }

            Command(line);
        }
    }

    internal static void Command(ReadOnlyMemory<byte> line)
    {
        var reader = new SmtpCommandReader(line);
        if (!reader.TryReadVerb(out var verb))
        {
            return;
        }

        InvariantViolation.Check(verb.Length is > 0 and <= 16 && verb.All(char.IsAsciiLetterOrDigit), "a verb is 1 to 16 letters or digits");
        var arguments = line[verb.Length..];
        switch (verb)
        {
            case "MAIL":
            {
                var args = new SmtpCommandReader(arguments);
                if (args.TryReadMailFrom(out var mail, out _))
                {
                    InvariantViolation.Check(mail is not null, "a MAIL FROM that parsed has a command");
                    InvariantViolation.Check(mail!.ReversePath.Length == 0 || SmtpCommandReader.IsMailbox(mail.ReversePath), "a reverse-path is <> or a Mailbox");
                    InvariantViolation.Check(mail.Size is null or >= 0, "SIZE is not negative");
                }

                break;
            }

            case "RCPT":
            {
                var args = new SmtpCommandReader(arguments);
                if (args.TryReadRcptTo(out var rcpt, out _))
                {
                    InvariantViolation.Check(rcpt is not null, "a RCPT TO that parsed has a command");
                    InvariantViolation.Check(rcpt!.ForwardPath == "Postmaster" || SmtpCommandReader.IsMailbox(rcpt.ForwardPath), "a forward-path is a Mailbox or <Postmaster>");
                }

                break;
            }

            case "BDAT":
            {
                var args = new SmtpCommandReader(arguments);
                if (args.TryReadBdat(out var bdat))
                {
                    InvariantViolation.Check(bdat.Size >= 0, "a BDAT chunk size is not negative");
                    InvariantViolation.Check(args.End, "a BDAT that parsed read the whole line");
                }

                break;
            }

            case "EHLO" or "HELO" or "AUTH" or "VRFY" or "HELP":
                _ = SmtpSession.ArgumentText(arguments).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                break;
        }
    }
}
