using System.Text;
using EdgeMail.Testing.Imap;

namespace EdgeMail.Imap.Tests.Testing;

/// <summary>
/// The strict response parser of EdgeMail.Testing: the example responses of RFC 9051 §7-§8, RFC 3501 §7-§8,
/// RFC 7162, RFC 4731, RFC 3516 and RFC 5258 parse; broken ones throw naming the offset and the rule expected.
/// </summary>
public sealed class StrictParserTests
{
    private static byte[] Bytes(string s) => Encoding.Latin1.GetBytes(s.Replace("\\r\\n", "\r\n", StringComparison.Ordinal) + "\r\n");

    public static TheoryData<string> ValidResponses() =>
    [
        // RFC 9051 §8 and RFC 3501 §8 (the sample session), §7 (response examples).
        "* OK IMAP4rev2 Service Ready",
        "* OK [CAPABILITY IMAP4rev2 STARTTLS AUTH=GSSAPI LOGINDISABLED] IMAP4rev2 Service Ready",
        "* CAPABILITY IMAP4rev1 STARTTLS AUTH=GSSAPI LOGINDISABLED",
        "a001 OK LOGIN completed",
        "* 18 EXISTS",
        "* 2 RECENT",
        "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)",
        "* OK [UNSEEN 17] Message 17 is the first unseen message",
        "* OK [UIDVALIDITY 3857529045] UIDs valid",
        "* OK [UIDNEXT 4392] Predicted next UID",
        "* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited",
        "a002 OK [READ-WRITE] SELECT completed",
        "* 12 FETCH (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" RFC822.SIZE 4286 ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev1 WG mtg summary and minutes\" ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((NIL NIL \"imap\" \"cac.washington.edu\")) ((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL \"<B27397-0100000@cac.washington.edu>\") BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92))",
        "* 12 FETCH (BODY[HEADER] {24}\\r\\nSubject: hi\\r\\nFrom: a\\r\\n\\r\\n)",
        "* 12 FETCH (FLAGS (\\Seen \\Deleted))",
        "a004 OK +FLAGS completed",
        "* BYE IMAP4rev2 Server logging out",
        "+ Ready for additional command text",
        "+ ",
        "+ YGgGCSqGSIb3EgECAgIBAAD/////6jcyG4GE3KkTzmeTxA==",
        "* NO [ALERT] System shutdown in 10 minutes",
        "A001 NO [AUTHENTICATIONFAILED] Authentication failed",
        "A223 BAD [CLIENTBUG] x",
        "* PREAUTH IMAP4rev2 server logged in as Smith",
        "* 44 EXPUNGE",
        "* SEARCH 2 3 6",
        "* SEARCH",
        "* LIST (\\Noselect) \"/\" ~/Mail/foo",
        "* LIST () \".\" #news.comp.mail.misc",
        "* LSUB () \".\" #news.comp.mail.misc",
        "* LIST (\\Marked \\NoInferiors) NIL \"inbox\"",
        "* LIST () \"/\" {3}\\r\\nfoo",
        "* LIST (\\Subscribed \\NonExistent) \"/\" \"Fruit/Peach\"",
        "* LIST () \"/\" \"Foo\" (\"CHILDINFO\" (\"SUBSCRIBED\"))",
        "* LIST () \"/\" \"NewMailbox\" (\"OLDNAME\" (\"OldMailbox\"))",
        "* LIST (\\HasNoChildren) \".\" \"a\\\\b\"",
        "* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)",
        "* STATUS INBOX (MESSAGES 17 UNSEEN 16 SIZE 44000 HIGHESTMODSEQ 0 DELETED 0 UIDVALIDITY 1 RECENT 0)",
        "* STATUS \"Sent Items\" ()",
        "* ESEARCH (TAG \"A282\") MIN 2 COUNT 3",
        "* ESEARCH (TAG \"A283\") ALL 2,10:11",
        "* ESEARCH (TAG \"A285\") UID MIN 7 MAX 3800",
        "* ESEARCH (TAG \"A286\") COUNT 15",
        "* ESEARCH UID COUNT 17 ALL 4:18,21,28 MODSEQ 917162500",
        "* ESEARCH",
        "* NAMESPACE ((\"\" \"/\")) NIL NIL",
        "* NAMESPACE ((\"\" \"/\")) ((\"~\" \"/\")) ((\"#shared/\" \"/\")(\"#public/\" \"/\")(\"#ftp/\" \"/\")(\"#news.\" \".\"))",
        "* NAMESPACE ((\"\" \"/\" \"X-PARAM\" (\"FLAG1\" \"FLAG2\"))) NIL NIL",
        "* ID (\"name\" \"Cyrus\" \"version\" \"1.5\" \"os\" \"sunos\" \"os-version\" \"5.5\" \"support-url\" \"mailto:cyrus-bugs+@andrew.cmu.edu\")",
        "* ID NIL",
        "* ENABLED CONDSTORE QRESYNC",
        "* ENABLED",
        "A142 OK [APPENDUID 38505 3955] APPEND completed",
        "A003 OK [COPYUID 38505 304,319:320 3956:3958] Done",
        "a OK [CLOSED] previous mailbox closed",
        "x OK [XUNKNOWN-CODE some (args) here] unknown codes take the generic form",
        "x NO [XNOARGS] ok",
        "* OK [BADCHARSET (UTF-8 \"US-ASCII\")] charsets",
        // RFC 7162 §3.1, §3.2 (CONDSTORE, QRESYNC).
        "* OK [HIGHESTMODSEQ 715194045007] Highest",
        "* OK [NOMODSEQ] Sorry, this mailbox format doesn't support modsequences",
        "* 1 FETCH (UID 4 MODSEQ (65402) FLAGS (\\Seen))",
        "* SEARCH 2 5 6 7 11 12 18 19 20 23 (MODSEQ 917162500)",
        "d105 OK [MODIFIED 7,9] Conditional STORE failed",
        "* VANISHED (EARLIER) 300:310,405,411",
        "* VANISHED 405,407,410,425",
        // RFC 3516 §4 (BINARY).
        "* 1 FETCH (BINARY[1.2] ~{5}\\r\\nab\0cd)",
        "* 1 FETCH (BINARY[] {3}\\r\\nabc BINARY.SIZE[1] 12 BINARY.SIZE[] 3)",
        "* 1 FETCH (BINARY[2]<4> NIL)",
        // Sections and partial fetches (RFC 9051 §7.5.2).
        "* 2 FETCH (BODY[]<0> {3}\\r\\nabc BODY[1.2.MIME] NIL BODY[HEADER.FIELDS (DATE FROM)] {4}\\r\\n\\r\\n\\r\\n BODY[2.HEADER.FIELDS.NOT (\"X-A\" B)] \"\")",
        "* 3 FETCH (RFC822 {4}\\r\\nab\\r\\n RFC822.HEADER NIL RFC822.TEXT \"x\")",
        "* 4 FETCH (RFC822.SIZE 44827 INTERNALDATE \" 7-Feb-1994 21:52:25 -0800\" UID 1)",
        // RFC 3501 §7.4.2 BODYSTRUCTURE example, and extension data of every shape.
        "* 1 FETCH (BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 1152 23)(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\" \"NAME\" \"cc.diff\") \"<960723163407.20117h@cac.washington.edu>\" \"Compiler diff\" \"BASE64\" 4554 73) \"MIXED\"))",
        "* 1 FETCH (BODYSTRUCTURE (\"application\" \"pdf\" NIL NIL NIL \"base64\" 40 \"md5\" (\"attachment\" (\"filename\" \"r.pdf\")) (\"en\" \"fr\") \"http://x/\" 7 (1 \"a\" (NIL 2))))",
        "* 1 FETCH (BODYSTRUCTURE ((\"image\" \"png\" NIL \"<logo@example.org>\" NIL \"base64\" 12 NIL (\"inline\" NIL) NIL NIL) \"related\" NIL (\"inline\" NIL) \"en\" NIL))",
        "* 1 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7BIT\" 10 1 NIL NIL NIL NIL)(\"message\" \"rfc822\" NIL NIL \"forwarded message\" \"7BIT\" 449 (\"Tue, 3 Mar 2026 11:00:00 -0500\" \"Lunch\" ((\"Erin\" NIL \"erin\" \"example.net\")) ((\"Erin\" NIL \"erin\" \"example.net\")) ((\"Erin\" NIL \"erin\" \"example.net\")) ((\"Dave\" NIL \"dave\" \"example.com\")) NIL NIL \"<plan@example.com>\" \"<lunch@example.net>\") ((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7BIT\" 24 1 NIL NIL NIL NIL)(\"text\" \"html\" (\"charset\" \"us-ascii\") NIL NIL \"7BIT\" 31 1 NIL NIL NIL NIL) \"alternative\" (\"boundary\" \"lunch-alt\") NIL NIL NIL) 18 NIL NIL NIL NIL) \"mixed\" (\"boundary\" \"fwd-boundary\") NIL NIL NIL))",
        // Group syntax in an envelope (RFC 9051 §7.5.2) and 8-bit octets sent as a literal.
        "* 5 FETCH (ENVELOPE (NIL {4}\\r\\n\xe9t\xe9! ((NIL NIL \"undisclosed\" NIL)(NIL NIL NIL NIL)) NIL NIL NIL NIL NIL NIL NIL))",
        "* 6 FETCH (FLAGS () UID 9)",
    ];

    [Theory]
    [MemberData(nameof(ValidResponses))]
    public void RFC_example_response_parses(string response)
    {
        var bytes = Bytes(response);
        var parsed = ImapResponseParser.Parse(bytes);
        Assert.Equal(bytes, parsed.Raw);
    }

    public static TheoryData<string, int, string> BrokenResponses() => new()
    {
        // A FETCH cut inside the envelope with the next FETCH glued on.
        { "* 11 FETCH (ENVELOPE (\"Mon, 1 Jan 2024 10:00:00 +0000\" \"x\" ((\"A\" NIL \"a\" \"b\"))* 11 FETCH (FLAGS ())", 78, "SP after env-from" },
        { "* 11 FETCH (ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)* 11 FETCH (UID 4))", 62, "SP or ')' after a FETCH item" },
        // A number that is not number64, then a status response glued into the FETCH.
        { "* 21 FETCH (RFC822.SIZE 19961191.3 NO [NONEXISTENT] x", 32, "SP or ')' after a FETCH item" },
        // message/rfc822 without its envelope, body and lines.
        { "* 1 FETCH (BODYSTRUCTURE (\"message\" \"rfc822\" NIL NIL NIL \"base64\" 400 NIL NIL NIL NIL))", 70, "'(' opening the envelope of message/rfc822" },
        { "* 1 FETCH (BODYSTRUCTURE (\"MESSAGE\" \"RFC822\" NIL NIL NIL \"BASE64\" 400))", 69, "SP and the envelope after body-fld-octets of MESSAGE/RFC822" },
        // A literal shorter than announced.
        { "* 1 FETCH (BODY[] {10}\\r\\nabc)", 18, "10 literal octets" },
        { "* 1 FETCH (UID 1 UID 1)", 17, "a FETCH item other than UID" },
        { "* 1 FETCH (BODY[1] NIL BODY[1] NIL)", 23, "a FETCH item other than BODY[1]" },
        { "* 1 FETCH (FLAGS (\\Seen)", 24, "SP or ')' after a FETCH item" },
        { "* 1 FETCH (FLAGS (\\Seen)))", 25, "CRLF" },
        { "* 1 FETCH (FLAGS (\\Seen) UID 4) extra", 31, "CRLF" },
        { "* 1 FETCH (UID 1 a1 OK done)", 17, "FETCH item" },
        { "* 1 FETCH ()", 11, "FETCH item" },
        { "* 0 FETCH (UID 1)", 2, "nz-number before FETCH" },
        { "* 1 FETCH (UID 0)", 15, "nz-number after UID" },
        { "* 1 FETCH (MODSEQ (0))", 19, "never 0" },
        { "* 1 FETCH (ENVELOPE (NIL NIL", 28, "SP after env-subject" },
        { "* 1 FETCH (ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL))", 56, "SP after env-in-reply-to" },
        { "* 1 FETCH (ENVELOPE (NIL NIL ((\"a\" NIL \"b\")) NIL NIL NIL NIL NIL NIL NIL))", 42, "SP after addr-mailbox" },
        { "* 1 FETCH (ENVELOPE (NIL NIL () NIL NIL NIL NIL NIL NIL NIL))", 30, "'(' opening an address" },
        { "* 1 FETCH (BODYSTRUCTURE (\"text\" \"plain\" NIL NIL NIL \"7bit\" 10))", 62, "body-type-text needs lines" },
        { "* 1 FETCH (BODYSTRUCTURE (\"text\" \"plain\" () NIL NIL \"7bit\" 10 1))", 42, "parameter name" },
        { "* 1 FETCH (BODYSTRUCTURE (\"text\" \"plain\" NIL NIL \"7bit\" 10 1))", 56, "string (quoted or literal) for body-fld-enc" },
        { "* 1 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1)))", 65, "SP and media-subtype" },
        { "* 1 FETCH (INTERNALDATE \"7-Feb-1994 21:52:25 -0800\")", 26, "date-day-fixed" },
        { "* 1 FETCH (INTERNALDATE \"17-Foo-1996 02:44:25 -0700\")", 28, "date-month" },
        { "* 1 FETCH (INTERNALDATE \"17-Jul-1996 02:44:25 0700\")", 46, "zone sign" },
        { "* 1 FETCH (INTERNALDATE \"31-Feb-1996 02:44:25 +0700\")", 28, "day exists" },
        { "* 1 FETCH (BODY[] {3+}\\r\\nabc)", 20, "non-synchronizing literal" },
        { "* 1 FETCH (BODY[] ~{3}\\r\\nabc)", 18, "literal8" },
        { "* 1 FETCH (BODY[] {3}\\r\\na\0c)", 24, "NUL is only allowed in literal8" },
        { "* 1 FETCH (BODY[] \"a\rb\")", 20, "CR, LF and NUL cannot be quoted" },
        { "* 1 FETCH (BODY[] \"a\\qb\")", 21, "after a backslash" },
        { "* 1 FETCH (BODY[HEADER.FIELDS ()] NIL)", 31, "at least one item in header-list" },
        { "* 1 FETCH (BODY[1.MIME.TEXT] NIL)", 18, "section-text" },
        { "* 1 FETCH (BINARY[TEXT] NIL)", 18, "BINARY takes only part numbers" },
        { "* 1 FETCH (X-GM-MSGID 1)", 11, "FETCH item" },
        { "* 1 EXISTS extra", 10, "CRLF" },
        { "* OK [UIDNEXT 0] Predicted next UID", 14, "nz-number after UIDNEXT" },
        { "* OK [READ-WRITE extra] x", 16, "takes no argument" },
        { "* OK [READ-WRITE]", 17, "SP after ']'" },
        { "* OK [PERMANENTFLAGS \\Seen] x", 21, "'(' opening PERMANENTFLAGS flags" },
        { "* CAPABILITY IDLE STARTTLS", 12, "IMAP4rev2 or IMAP4rev1" },
        { "* LIST () \"//\" INBOX", 10, "exactly one QUOTED-CHAR" },
        { "* LIST (Marked) \"/\" INBOX", 8, "'\\' starting a mailbox attribute" },
        { "* LIST () \"/\" INBOX (\"CHILDINFO\" ())", 34, "at least one item in CHILDINFO" },
        { "* STATUS INBOX (MESSAGES 1 MESSAGES 2)", 27, "other than MESSAGES" },
        { "* STATUS INBOX (FOO 1)", 16, "status attribute" },
        { "* VANISHED 1:*", 13, "a UID set has no '*'" },
        { "* SEARCH 0", 9, "nz-number in SEARCH" },
        { "* ESEARCH MIN 1 MIN 2", 16, "other than MIN" },
        { "* NAMESPACE ((\"\" \"/\")) NIL", 26, "SP after the other users' namespace" },
        { "* FOO bar", 2, "untagged response name" },
        { "a1 MAYBE done", 3, "OK, NO or BAD" },
        { "+OK", 1, "SP after '+'" },
        { "* OK \"Caf\xe9\"", 5, "UTF-8" },
    };

    [Theory]
    [MemberData(nameof(BrokenResponses))]
    public void Broken_response_throws_naming_offset_and_expected_rule(string response, int offset, string expected)
    {
        var e = Assert.Throws<ImapSyntaxException>(() => ImapResponseParser.Parse(Bytes(response)));
        Assert.True(offset == e.Offset && e.Expected.Contains(expected, StringComparison.Ordinal), $"offset {e.Offset}: {e.Message}");
        Assert.Contains($"offset {offset}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fetch_items_are_typed()
    {
        var r = ImapResponseParser.Parse(Bytes("* 12 FETCH (UID 77 MODSEQ (65402) FLAGS (\\Seen $Junk) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" RFC822.SIZE 4286 BODY[]<0> {5}\\r\\nab\\r\\nc BINARY.SIZE[1.2] 9)"));
        var f = r.Fetch!;
        Assert.Equal((ImapResponseKind.Untagged, "FETCH", 12u), (r.Kind, r.Name, f.SequenceNumber));
        Assert.Equal((77u, 65402ul, 4286L), (f.Uid!.Value, f.ModSeq!.Value, f.Rfc822Size!.Value));
        Assert.Equal(["\\Seen", "$Junk"], f.Flags!);
        Assert.Equal(new DateTimeOffset(1996, 7, 17, 2, 44, 25, TimeSpan.FromHours(-7)), f.InternalDate);
        Assert.Equal("ab\r\nc"u8.ToArray(), f.Section("BODY[]<0>"));
        Assert.True(f.Sections["BODY[]<0>"].IsLiteral);
        Assert.Equal(9, f.BinarySizes["1.2"]);
        Assert.Equal(["UID", "MODSEQ", "FLAGS", "INTERNALDATE", "RFC822.SIZE", "BODY[]<0>", "BINARY.SIZE[1.2]"], f.ItemNames);
    }

    [Fact]
    public void Envelope_and_body_structure_are_typed()
    {
        var r = ImapResponseParser.Parse(Bytes(
            "* 1 FETCH (ENVELOPE (\"Tue, 3 Mar 2026 11:00:00 -0500\" {6}\\r\\nL\xc3\xbcnch ((\"Erin\" NIL \"erin\" \"example.net\")) NIL NIL ((NIL NIL \"dave\" \"example.com\")(\"Ann\" NIL \"ann\" \"example.com\")) NIL NIL NIL \"<lunch@example.net>\") "
            + "BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7BIT\" 10 1 NIL NIL NIL NIL)(\"message\" \"rfc822\" NIL NIL NIL \"7BIT\" 449 (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) (\"text\" \"plain\" NIL NIL NIL \"7BIT\" 24 1) 18) \"mixed\" (\"boundary\" \"b\") NIL NIL NIL))"));
        var e = r.Fetch!.Envelope!;
        Assert.Equal("Lünch", e.Subject.Value);
        Assert.True(e.Subject.IsLiteral);
        Assert.True(e.Date.IsQuoted);
        Assert.Null(e.Sender);
        Assert.Equal(["dave", "ann"], e.To!.Select(a => a.Mailbox.Value));
        Assert.True(e.InReplyTo.IsNil);
        var b = r.Fetch.BodyStructure!;
        Assert.True(b.IsMultipart);
        Assert.Equal("multipart/mixed", b.MediaType);
        Assert.Equal([new("boundary", "b")], b.Parameters!);
        Assert.Equal(("text/plain", 1L), (b.Parts[0].MediaType, b.Parts[0].Lines!.Value));
        var message = b.Parts[1];
        Assert.Equal(("message/rfc822", 449L, 18L), (message.MediaType, message.Octets, message.Lines!.Value));
        Assert.NotNull(message.Envelope);
        Assert.Equal("text/plain", message.Message!.MediaType);
        Assert.False(message.HasExtensionData);
    }

    [Fact]
    public void Status_list_and_search_responses_are_typed()
    {
        var all = ImapResponseParser.ParseAll(Bytes(
            "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"Sent Items\" (\"CHILDINFO\" (\"SUBSCRIBED\") \"OLDNAME\" (Old))\\r\\n"
            + "* STATUS \"Sent Items\" (MESSAGES 3 UIDNEXT 9 HIGHESTMODSEQ 12)\\r\\n"
            + "* ESEARCH (TAG \"s1\") UID ALL 1:3,7 COUNT 4\\r\\n"
            + "a1 OK [APPENDUID 5 9] done"));
        Assert.Equal(["LIST", "STATUS", "ESEARCH", "OK"], all.Select(x => x.Name));
        var list = all[0].List!;
        Assert.Equal(("Sent Items", '/', "Old"), (list.Mailbox.Value!, list.Delimiter!.Value, list.OldName!.Value!));
        Assert.Equal(["SUBSCRIBED"], list.ChildInfo!);
        Assert.Equal(12, all[1].MailboxStatus!.Attributes["HIGHESTMODSEQ"]);
        Assert.Equal(("s1", true, "1:3,7", 4u), (all[2].ESearch!.Tag!.Value!, all[2].ESearch!.Uid, all[2].ESearch!.All!, all[2].ESearch!.Count!.Value));
        Assert.Equal(("a1", "APPENDUID", 5ul, "9"), (all[3].Tag!, all[3].Text!.Code!.Name, all[3].Text!.Code!.Number!.Value, all[3].Text!.Code!.Items![0]));
        Assert.Equal("done", all[3].Text!.Text);
    }

    [Fact]
    public void Parse_refuses_a_second_response_after_the_first()
    {
        var e = Assert.Throws<ImapSyntaxException>(() => ImapResponseParser.Parse(Bytes("* 1 EXISTS\\r\\n* 2 EXISTS")));
        Assert.Equal(12, e.Offset);
    }

    [Fact]
    public void Parser_handles_twenty_thousand_fetch_responses()
    {
        var one = "* 1 FETCH (UID 1 MODSEQ (5) FLAGS (\\Seen) ENVELOPE (\"d\" \"s\" ((\"A\" NIL \"a\" \"b\")) NIL NIL NIL NIL NIL NIL \"<i@d>\") BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7BIT\" 10 1 NIL NIL NIL NIL)(\"text\" \"html\" NIL NIL NIL \"7BIT\" 10 1) \"alternative\" (\"boundary\" \"x\") NIL NIL NIL) BODY[] {12}\r\n0123456789\r\n)\r\n";
        var data = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(one, 20_000)));
        Assert.Equal(20_000, ImapResponseParser.ParseAll(data).Count(r => r.Fetch?.BodyStructure?.Parts.Count == 2));
    }
}
