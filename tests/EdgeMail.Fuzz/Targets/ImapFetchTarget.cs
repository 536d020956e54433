using EdgeMail.Imap.Protocol;

namespace EdgeMail.Fuzz.Targets;

/// <summary>FETCH's arguments as they follow the verb (" 1:* (FLAGS BODY.PEEK[1.2]<0.100>)"); BAD is ImapParseException.</summary>
internal static class ImapFetchTarget
{
    public static void Run(byte[] input)
    {
        var args = new ImapReader(input, 0, []);
        FetchRequest request;
        try
        {
            request = FetchParser.Parse(ref args);
        }
        catch (ImapParseException)
        {
            return;
        }

        InvariantViolation.Check(args.AtEnd, "a FETCH that parsed read all of its arguments");
        InvariantViolation.Check(request.Set.IsSaved || request.Set.Ranges.Count > 0, "a FETCH that parsed names some messages");
    }
}
