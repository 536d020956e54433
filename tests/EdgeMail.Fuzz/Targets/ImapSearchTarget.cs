using EdgeMail.Imap.Protocol;

namespace EdgeMail.Fuzz.Targets;

/// <summary>SEARCH's arguments as they follow the verb (" RETURN (MIN) CHARSET UTF-8 OR FROM a (SINCE 1-Feb-1994)").</summary>
internal static class ImapSearchTarget
{
    public static void Run(byte[] input)
    {
        var args = new ImapReader(input, 0, []);
        try
        {
            SearchParser.Parse(ref args);
        }
        catch (ImapParseException)
        {
            return;
        }

        InvariantViolation.Check(args.AtEnd, "a SEARCH that parsed read all of its arguments");
    }
}
