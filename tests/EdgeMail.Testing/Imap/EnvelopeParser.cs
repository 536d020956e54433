namespace EdgeMail.Testing.Imap;

// RFC 9051 §9 / RFC 3501 §9: envelope, address; field meanings in RFC 9051 §7.5.2.

/// <summary>ENVELOPE: exactly ten fields, address lists of four-field addresses or NIL.</summary>
internal static class EnvelopeParser
{
    // envelope = "(" env-date SP env-subject SP env-from SP env-sender SP env-reply-to SP env-to SP env-cc SP
    // env-bcc SP env-in-reply-to SP env-message-id ")".
    public static ImapEnvelope ReadEnvelope(ImapSyntaxReader r)
    {
        r.Expect((byte)'(', "'(' opening the envelope");
        var date = r.ReadNString("env-date (field 1 of 10 of the envelope)");
        r.Sp("after env-date (envelope field 1 of 10)");
        var subject = r.ReadNString("env-subject (field 2 of 10 of the envelope)");
        r.Sp("after env-subject (envelope field 2 of 10)");
        var from = ReadAddressList(r, "env-from", 3);
        var sender = ReadAddressList(r, "env-sender", 4);
        var replyTo = ReadAddressList(r, "env-reply-to", 5);
        var to = ReadAddressList(r, "env-to", 6);
        var cc = ReadAddressList(r, "env-cc", 7);
        var bcc = ReadAddressList(r, "env-bcc", 8);
        var inReplyTo = r.ReadNString("env-in-reply-to (field 9 of 10 of the envelope)");
        r.Sp("after env-in-reply-to (envelope field 9 of 10)");
        var messageId = r.ReadNString("env-message-id (field 10 of 10 of the envelope)");
        r.Expect((byte)')', "')' closing the envelope after its 10th field, env-message-id");
        return new ImapEnvelope
        {
            Date = date,
            Subject = subject,
            From = from,
            Sender = sender,
            ReplyTo = replyTo,
            To = to,
            Cc = cc,
            Bcc = bcc,
            InReplyTo = inReplyTo,
            MessageId = messageId,
        };
    }

    // env-from = "(" 1*address ")" / nil (the addresses follow one another without SP).
    private static List<ImapAddress>? ReadAddressList(ImapSyntaxReader r, string field, int index)
    {
        List<ImapAddress>? list = null;
        if (!r.TryNil())
        {
            r.Expect((byte)'(', $"'(' or NIL for {field} (field {index} of 10 of the envelope)");
            list = [];
            do
            {
                list.Add(ReadAddress(r, field));
            }
            while (r.Peek() == '(');

            r.Expect((byte)')', $"'(' of another address or ')' closing {field}");
        }

        r.Sp($"after {field} (envelope field {index} of 10)");
        return list;
    }

    // address = "(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")"; each nstring.
    private static ImapAddress ReadAddress(ImapSyntaxReader r, string field)
    {
        r.Expect((byte)'(', $"'(' opening an address in {field}");
        var name = r.ReadNString($"addr-name in {field}");
        r.Sp("after addr-name (address field 1 of 4)");
        var adl = r.ReadNString($"addr-adl in {field}");
        r.Sp("after addr-adl (address field 2 of 4)");
        var mailbox = r.ReadNString($"addr-mailbox in {field}");
        r.Sp("after addr-mailbox (address field 3 of 4)");
        var host = r.ReadNString($"addr-host in {field}");
        r.Expect((byte)')', "')' closing the address after its 4th field, addr-host");
        return new ImapAddress { Name = name, Adl = adl, Mailbox = mailbox, Host = host };
    }
}
