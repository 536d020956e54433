using EdgeMail.Pop3.Protocol;
using EdgeMail.Pop3.Session;

namespace EdgeMail.Fuzz.Targets;

/// <summary>
/// POP3 command lines, one per LF, parsed as Pop3Session.Parse does: the keyword, the command table's entry, and its
/// argument grammar (null for bad syntax, answered -ERR). Nothing may throw; a parsed command must keep what the
/// session relies on, including that its text form never shows a password or a SASL response.
/// </summary>
internal static class Pop3CommandTarget
{
    public static void Run(byte[] input)
    {
        var rest = input.AsSpan();
        while (!rest.IsEmpty)
        {
            var lf = rest.IndexOf((byte)'\n');
            var line = lf < 0 ? rest : rest[..lf];
            rest = lf < 0 ? [] : rest[(lf + 1)..];
            if (!line.IsEmpty && line[^1] == '\r')
            {
                line = line[..^1];
            }

            Command(line);
        }
    }

    private static void Command(ReadOnlySpan<byte> line)
    {
        var reader = new Pop3Reader(line);
        if (!Pop3Parser.TryReadKeyword(ref reader, out var keyword) || CommandTable.Find(keyword) is not { } entry)
        {
            return;
        }

        InvariantViolation.Check(keyword.Length is 3 or 4 && keyword == keyword.ToUpperInvariant(), "a keyword is 3 or 4 characters, upper-cased");
        var command = entry.Parse(ref reader, keyword);
        switch (command)
        {
            case null:
                return;
            case MessageCommand m:
                InvariantViolation.Check(m.Message is null or >= 0, "a message number is not negative");
                break;
            case TopCommand t:
                InvariantViolation.Check(t.Message >= 0 && t.Lines >= 0, "TOP's numbers are not negative");
                break;
            case UserCommand u:
                InvariantViolation.Check(u.Name.Length > 0 && !u.Name.Any(c => c < ' ' || c == 0x7F || c == ' '), "a user name is printable, without spaces");
                break;
            case PassCommand p:
                InvariantViolation.Check(!p.Password.Any(c => c < ' ' || c == 0x7F), "a password holds no control characters");
                InvariantViolation.Check(p.ToString() == "PASS ********", "PASS never shows its password");
                break;
            case AuthCommand a:
                InvariantViolation.Check(a.ToString() == "AUTH " + a.Mechanism + (a.InitialResponse is null ? "" : " ********"), "AUTH never shows its initial response");
                break;
        }

        InvariantViolation.Check(command.Keyword == keyword, "the command keeps its keyword");
    }
}
