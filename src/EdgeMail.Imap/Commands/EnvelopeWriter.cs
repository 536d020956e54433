using EdgeMail.Imap.Protocol;
using EdgeMail.Store.Mime;

namespace EdgeMail.Imap.Commands;

/// <summary>ENVELOPE (RFC 9051 §7.5.2): date, subject, from, sender, reply-to, to, cc, bcc, in-reply-to, message-id.</summary>
internal static class EnvelopeWriter
{
    public static void Write(ResponseWriter w, Envelope e)
    {
        w.Raw("(").NString(e.Date).Space().NString(e.Subject).Space();
        Addresses(w, e.From);
        w.Space();

        // RFC 9051 §7.5.2: the server sets sender and reply-to to from when they are absent.
        Addresses(w, e.Sender is { Count: > 0 } ? e.Sender : e.From);
        w.Space();
        Addresses(w, e.ReplyTo is { Count: > 0 } ? e.ReplyTo : e.From);
        w.Space();
        Addresses(w, e.To);
        w.Space();
        Addresses(w, e.Cc);
        w.Space();
        Addresses(w, e.Bcc);
        w.Space().NString(e.InReplyTo).Space().NString(e.MessageId).Raw(")");
    }

    private static void Addresses(ResponseWriter w, IReadOnlyList<EnvelopeAddress>? list)
    {
        if (list is null || list.Count == 0)
        {
            w.Raw("NIL");
            return;
        }

        w.Raw("(");
        foreach (var a in list)
        {
            w.Raw("(").NString(a.Name).Space().NString(a.Route).Space().NString(a.Mailbox).Space().NString(a.Host).Raw(")");
        }

        w.Raw(")");
    }
}
