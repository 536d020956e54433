using System.Text;
using EdgeMail.Imap.Protocol;
using EdgeMail.Store.Mime;

namespace EdgeMail.Imap.Commands;

/// <summary>
/// ENVELOPE (RFC 9051 §7.5.2, RFC 3501 §7.4.2): date, subject, from, sender, reply-to, to, cc, bcc, in-reply-to,
/// message-id, each the header's own text (not decoded: RFC 2047 words are the client's to decode).
/// </summary>
internal static class EnvelopeWriter
{
    public static void Write(ResponseWriter w, Envelope e)
    {
        w.Raw("(");
        NString(w, e.Date, e.Octets);
        w.Space();
        NString(w, e.Subject, e.Octets);
        w.Space();
        Addresses(w, e.From, e.Octets);
        w.Space();

        // RFC 9051 §7.5.2: the server sets sender and reply-to to from when they are absent.
        Addresses(w, e.Sender is { Count: > 0 } ? e.Sender : e.From, e.Octets);
        w.Space();
        Addresses(w, e.ReplyTo is { Count: > 0 } ? e.ReplyTo : e.From, e.Octets);
        w.Space();
        Addresses(w, e.To, e.Octets);
        w.Space();
        Addresses(w, e.Cc, e.Octets);
        w.Space();
        Addresses(w, e.Bcc, e.Octets);
        w.Space();
        NString(w, e.InReplyTo, e.Octets);
        w.Space();
        NString(w, e.MessageId, e.Octets);
        w.Raw(")");
    }

    /// <summary>The header's octets: kept one per char when the envelope holds octets, else the text as UTF-8.</summary>
    private static void NString(ResponseWriter w, string? value, bool octets)
    {
        if (value is null)
        {
            w.Raw("NIL");
            return;
        }

        w.NString(octets ? Encoding.Latin1.GetBytes(value) : Encoding.UTF8.GetBytes(value), isNil: false);
    }

    private static void Addresses(ResponseWriter w, IReadOnlyList<EnvelopeAddress>? list, bool octets)
    {
        if (list is null || list.Count == 0)
        {
            w.Raw("NIL");
            return;
        }

        w.Raw("(");
        foreach (var a in list)
        {
            w.Raw("(");
            NString(w, a.Name, octets);
            w.Space();
            NString(w, a.Route, octets);
            w.Space();
            NString(w, a.Mailbox, octets);
            w.Space();
            NString(w, a.Host, octets);
            w.Raw(")");
        }

        w.Raw(")");
    }
}
