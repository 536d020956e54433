using EdgeMail.Imap.Protocol;
using EdgeMail.Imap.Session;

namespace EdgeMail.Imap.Commands;

// RFC 9051 §6.3.1 and RFC 5161 ENABLE; RFC 7162 §3.2.3 (QRESYNC implies CONDSTORE).
internal static class Enable
{
    /// <summary>RFC 5161 §3.1: ENABLE names extensions; the answer lists the ones now on.</summary>
    public static Task<CommandResult> EnableAsync(ImapSession session, ImapCommand command, CancellationToken cancellationToken)
    {
        var args = command.Arguments();
        var enabled = new List<string>();
        args.ReadSpace();
        do
        {
            var name = args.ReadAtom().ToUpperInvariant();
            string? canonical = name switch
            {
                "IMAP4REV2" => "IMAP4rev2",
                "UTF8=ACCEPT" => "UTF8=ACCEPT",
                "CONDSTORE" => "CONDSTORE",
                "QRESYNC" => "QRESYNC",
                _ => null,
            };
            if (canonical is not null && session.Enabled.Add(canonical))
            {
                enabled.Add(canonical);
                if (canonical == "QRESYNC")
                {
                    // RFC 7162 §3.2.3: QRESYNC implies CONDSTORE.
                    session.Enabled.Add("CONDSTORE");
                }
            }
        }
        while (args.TryReadSpace());
        args.ExpectEnd();
        session.Writer.Utf8Quoted = session.Utf8;
        session.Writer.Raw("* ENABLED");
        foreach (var name in enabled)
        {
            session.Writer.Raw(" ").Raw(name);
        }

        session.Writer.Crlf();
        return Task.FromResult(CommandResult.Done("ENABLE completed"));
    }
}
