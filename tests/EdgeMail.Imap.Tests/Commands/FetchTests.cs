using System.Text;

namespace EdgeMail.Imap.Tests.Commands;

/// <summary>
/// FETCH of sections (RFC 9051 §6.4.5: part numbers, HEADER, TEXT, MIME, partial &lt;origin.count&gt;) and BINARY
/// (RFC 3516) on corpus messages, each checked against the bytes the message holds at that place.
/// </summary>
public sealed class FetchTests(ImapServer server) : IClassFixture<ImapServer>
{
    private const string Html = "<p>Hello Ann,<br>the report is =\r\nattached.</p>";

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    private async Task<(Transcript T, uint Uid)> AppendAsync(byte[] message)
    {
        var t = await Transcript.ConnectAsync(server);
        return (t, await CorpusSession.AppendAsync(t, message));
    }

    private static async Task<byte[]> BinaryAsync(Transcript t, uint uid, string section, string partial = "")
    {
        var value = await CorpusSession.FetchItemAsync(t, uid, $"BINARY.PEEK[{section}]{partial}", $"BINARY[{section}]{(partial.Length > 0 ? partial.Split('.')[0] + ">" : string.Empty)}");
        return CorpusSession.LiteralBytes(value);
    }

    [Fact]
    public async Task Body_part_numbers_and_MIME_headers_of_nested_multiparts_are_the_parts_bytes()
    {
        var (t, uid) = await AppendAsync(MimeCorpus.Load("nested"));
        await using var _ = t;
        Assert.Equal("Hello Ann,\r\nthe report is attached.", Text(await CorpusSession.FetchSectionAsync(server, uid, "1.1")));
        Assert.Equal(Html, Text(await CorpusSession.FetchSectionAsync(server, uid, "1.2")));
        Assert.Equal("Content-Type: multipart/alternative; boundary=\"inner\"\r\n\r\n", Text(await CorpusSession.FetchSectionAsync(server, uid, "1.MIME")));
        Assert.Equal("Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n", Text(await CorpusSession.FetchSectionAsync(server, uid, "1.2.MIME")));
        Assert.Equal("UXVhcnRlcmx5IG51bWJlcnM6IDEsIDIsIDMuCg==", Text(await CorpusSession.FetchSectionAsync(server, uid, "2")));
    }

    [Fact]
    public async Task Partial_fetch_returns_the_requested_octets_a_short_tail_or_nothing_past_the_end()
    {
        var (t, uid) = await AppendAsync(MimeCorpus.Load("nested"));
        await using var _ = t;
        Assert.Equal("Hello Ann", Text(await CorpusSession.FetchSectionAsync(server, uid, "1.2", 3, 9)));
        Assert.Equal("ed.</p>", Text(await CorpusSession.FetchSectionAsync(server, uid, "1.2", 40, 100)));

        // RFC 9051 §6.4.5: the reply names the origin; past the end the data is an empty string.
        Assert.Equal("{9}\r\nHello Ann", await CorpusSession.FetchItemAsync(t, uid, "BODY.PEEK[1.2]<3.9>", "BODY[1.2]<3>"));
        Assert.Matches("^(\"\"|\\{0\\}\r\n)$", await CorpusSession.FetchItemAsync(t, uid, "BODY.PEEK[1.2]<100.10>", "BODY[1.2]<100>"));
    }

    [Fact]
    public async Task Binary_decodes_base64_and_quoted_printable_parts_and_binary_size_counts_the_decoded_octets()
    {
        var (t, uid) = await AppendAsync(MimeCorpus.Load("nested"));
        await using var _ = t;
        Assert.Equal("Quarterly numbers: 1, 2, 3.\n", Text(await BinaryAsync(t, uid, "2")));
        Assert.Equal("28", await CorpusSession.FetchItemAsync(t, uid, "BINARY.SIZE[2]", "BINARY.SIZE[2]"));
        Assert.Equal("<p>Hello Ann,<br>the report is attached.</p>", Text(await BinaryAsync(t, uid, "1.2")));
        Assert.Equal("44", await CorpusSession.FetchItemAsync(t, uid, "BINARY.SIZE[1.2]", "BINARY.SIZE[1.2]"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, await BinaryAsync(t, uid, "3"));
        Assert.Equal("numbers", Text(await BinaryAsync(t, uid, "2", "<10.7>")));
    }

    [Fact]
    public async Task Header_text_and_parts_of_an_attached_message_come_from_inside_it()
    {
        var original = MimeCorpus.Load("forwarded");
        var (t, uid) = await AppendAsync(original);
        await using var _ = t;
        var raw = Encoding.ASCII.GetString(original);
        var innerStart = raw.IndexOf("From: Erin", StringComparison.Ordinal);
        var innerBody = raw.IndexOf("--lunch-alt\r\n", StringComparison.Ordinal);
        var innerEnd = raw.IndexOf("\r\n--fwd-boundary--", StringComparison.Ordinal);

        Assert.Equal(raw[innerStart..innerBody], Text(await CorpusSession.FetchSectionAsync(server, uid, "2.HEADER")));
        Assert.EndsWith("boundary=\"lunch-alt\"\r\n\r\n", raw[innerStart..innerBody]);
        Assert.Equal(raw[innerBody..innerEnd], Text(await CorpusSession.FetchSectionAsync(server, uid, "2.TEXT")));
        Assert.Equal(raw[innerStart..innerEnd], Text(await CorpusSession.FetchSectionAsync(server, uid, "2")));
        Assert.Equal("Noon at the usual place?", Text(await CorpusSession.FetchSectionAsync(server, uid, "2.1")));
        Assert.Equal("<b>Noon</b> at the usual place?", Text(await CorpusSession.FetchSectionAsync(server, uid, "2.2")));
        Assert.Equal("Content-Type: message/rfc822\r\nContent-Description: forwarded message\r\n\r\n", Text(await CorpusSession.FetchSectionAsync(server, uid, "2.MIME")));
        Assert.Equal("{18}\r\nSubject: Lunch\r\n\r\n", await CorpusSession.FetchItemAsync(t, uid, "BODY.PEEK[2.HEADER.FIELDS (SUBJECT)]", "BODY[2.HEADER.FIELDS (SUBJECT)]"));
    }

    [Fact]
    public async Task Parts_of_a_multipart_without_its_closing_boundary_end_where_the_message_ends()
    {
        var (t, uid) = await AppendAsync(MimeCorpus.Load("broken"));
        await using var _ = t;
        Assert.Equal("first part", Text(await CorpusSession.FetchSectionAsync(server, uid, "1")));
        Assert.Equal("AAECAwQF\r\n", Text(await CorpusSession.FetchSectionAsync(server, uid, "2")));
        Assert.Equal(new byte[] { 0, 1, 2, 3, 4, 5 }, await BinaryAsync(t, uid, "2"));
        Assert.Equal("Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n", Text(await CorpusSession.FetchSectionAsync(server, uid, "2.MIME")));
    }

    [Fact]
    public async Task Body_of_a_message_with_a_NUL_sends_no_NUL_in_its_literal_but_binary_returns_it_in_a_literal8()
    {
        // RFC 3516 §4.4: APPEND takes literal8, so a message may hold NUL octets.
        var message = "Subject: nul\r\n\r\nb\0c\r\n"u8.ToArray();
        await using var t = await Transcript.ConnectAsync(server);
        Assert.Matches("^c (OK|NO)", (await t.CommandAsync("c CREATE Corpus"))[^1]);
        await t.SendAsync([.. Encoding.ASCII.GetBytes($"a APPEND Corpus ~{{{message.Length}}}\r\n")]);
        Assert.StartsWith("+", await t.ReadLineAsync());
        await t.SendAsync([.. message, (byte)'\r', (byte)'\n']);
        var uid = System.Text.RegularExpressions.Regex.Match((await t.ReadUntilTaggedAsync("a"))[^1], @"APPENDUID \d+ (\d+)").Groups[1].Value;
        Assert.StartsWith("s OK", (await t.CommandAsync("s SELECT Corpus"))[^1]);

        // RFC 9051 §9: a literal is made of CHAR8, which excludes NUL; only literal8 may carry it (RFC 3516 §4.2).
        var body = await CorpusSession.FetchItemAsync(t, uint.Parse(uid, System.Globalization.CultureInfo.InvariantCulture), "BODY.PEEK[]", "BODY[]");
        Assert.StartsWith($"{{{message.Length}}}\r\n", body);
        Assert.DoesNotContain('\0', body);
        Assert.EndsWith("b\u0080c\r\n", body);
        var binary = await CorpusSession.FetchItemAsync(t, uint.Parse(uid, System.Globalization.CultureInfo.InvariantCulture), "BINARY.PEEK[]", "BINARY[]");
        Assert.Equal($"~{{{message.Length}}}\r\n" + Encoding.Latin1.GetString(message), binary);
    }

    [Fact]
    public async Task Large_base64_attachment_round_trips_and_binary_returns_the_original_octets()
    {
        // A few MB of incompressible data, base64 in 76-character lines (RFC 2045 §6.8), generated here.
        var attachment = new byte[3_000_000];
        new Random(20260304).NextBytes(attachment);
        var base64 = Convert.ToBase64String(attachment, Base64FormattingOptions.InsertLineBreaks);
        var message = Encoding.ASCII.GetBytes(
            "From: Bob <bob@example.org>\r\nTo: ann@edgemail.local\r\nSubject: big\r\nMIME-Version: 1.0\r\n" +
            "Content-Type: multipart/mixed; boundary=\"big\"\r\n\r\n--big\r\nContent-Type: text/plain\r\n\r\nSee the attachment.\r\n" +
            "--big\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64 + "\r\n--big--\r\n");

        var (t, uid) = await AppendAsync(message);
        await using var _ = t;
        Assert.Equal(message, await CorpusSession.FetchSectionAsync(server, uid, string.Empty));
        Assert.Equal(attachment, await BinaryAsync(t, uid, "2"));
        Assert.Equal("3000000", await CorpusSession.FetchItemAsync(t, uid, "BINARY.SIZE[2]", "BINARY.SIZE[2]"));
        Assert.Equal(attachment.AsSpan(1_000_000, 1000).ToArray(), await BinaryAsync(t, uid, "2", "<1000000.1000>"));
        Assert.Equal(base64[..76], Text(await CorpusSession.FetchSectionAsync(server, uid, "2", 0, 76)));
        Assert.Equal(message.AsSpan(2_000_000, 100).ToArray(), await CorpusSession.FetchSectionAsync(server, uid, string.Empty, 2_000_000, 100));
        Assert.Equal(message.AsSpan(message.Length - 10).ToArray(), await CorpusSession.FetchSectionAsync(server, uid, string.Empty, message.Length - 10, 100));
        Assert.Contains($"\"base64\" {base64.Length} NIL", await CorpusSession.FetchItemAsync(t, uid, "BODYSTRUCTURE", "BODYSTRUCTURE"));
    }

    private async Task<Transcript> MailboxAsync(string name, int messages)
    {
        var t = await Transcript.ConnectAsync(server);
        Assert.StartsWith("c OK", (await t.CommandAsync($"c CREATE {name}"))[^1]);
        for (var i = 1; i <= messages; i++)
        {
            await t.AppendAsync(name, $"Subject: m{i}\n\nbody {i}\n");
        }

        return t;
    }

    [Fact]
    public async Task Uid_fetch_up_to_4294967295_names_the_uids_in_that_range_and_never_the_last_message()
    {
        await using var t = await MailboxAsync("fetchuidmax", 2);
        Assert.StartsWith("s OK", (await t.CommandAsync("s SELECT fetchuidmax"))[^1]);

        // RFC 9051 §9: 4294967295 is a number (the largest nz-number); only "*" stands for the largest UID in use.
        Assert.Equal(["a OK FETCH completed"], await t.CommandAsync("a UID FETCH 3:4294967295 (FLAGS)"));
        Assert.Equal(["b OK FETCH completed"], await t.CommandAsync("b UID FETCH 4294967295 (FLAGS)"));
        // This session selected the new messages first, so they are \Recent in it (RFC 3501 §2.3.2).
        Assert.Equal(["* 2 FETCH (UID 2 FLAGS (\\Recent))", "c OK FETCH completed"], await t.CommandAsync("c UID FETCH 3:* (FLAGS)"));
        Assert.Equal(["* 1 FETCH (UID 1 FLAGS (\\Recent))", "* 2 FETCH (UID 2 FLAGS (\\Recent))", "d OK FETCH completed"], await t.CommandAsync("d UID FETCH 2:4294967295,1 (FLAGS)"));
    }

    [Fact]
    public async Task The_fetch_that_turns_condstore_on_in_a_mailbox_selected_without_it_reports_highestmodseq_in_its_tagged_ok()
    {
        await using var t = await MailboxAsync("fetchcondstore", 2);
        var select = await t.CommandAsync("s SELECT fetchcondstore");
        Assert.DoesNotContain(select, l => l.Contains("HIGHESTMODSEQ", StringComparison.Ordinal));

        var fetch = await t.CommandAsync("a FETCH 1 (MODSEQ)");
        var modseq = System.Text.RegularExpressions.Regex.Match(fetch[0], @"^\* 1 FETCH \(MODSEQ \((\d+)\)\)$").Groups[1].Value;
        var highest = await HighestModSeqAsync("fetchcondstore");
        Assert.Equal([$"* 1 FETCH (MODSEQ ({modseq}))", $"a OK [HIGHESTMODSEQ {highest}] FETCH completed"], fetch);

        // Only the first CONDSTORE enabling command carries it (RFC 7162 §3.1.2.1).
        Assert.Equal([$"* 1 FETCH (MODSEQ ({modseq}))", "b OK FETCH completed"], await t.CommandAsync("b FETCH 1 (MODSEQ)"));
    }

    [Fact]
    public async Task Changedsince_turning_condstore_on_reports_the_highestmodseq_after_the_changes_it_reported()
    {
        await using var a = await MailboxAsync("fetchchanged", 2);
        await using var b = await Transcript.ConnectAsync(server);
        Assert.StartsWith("s OK", (await a.CommandAsync("s SELECT fetchchanged"))[^1]);
        Assert.StartsWith("s OK", (await b.CommandAsync("s SELECT fetchchanged"))[^1]);

        // Another session flags message 2 after this one selected the mailbox: the flag change comes before the
        // tagged OK, and the HIGHESTMODSEQ there covers it.
        Assert.StartsWith("x OK", (await b.CommandAsync("x STORE 2 +FLAGS.SILENT (\\Flagged)"))[^1]);
        var highest = await HighestModSeqAsync("fetchchanged");
        var fetch = await a.CommandAsync("a FETCH 1 (FLAGS) (CHANGEDSINCE 0)");
        Assert.Equal(3, fetch.Count);
        Assert.Matches(@"^\* 1 FETCH \(FLAGS \(\\Recent\) MODSEQ \(\d+\)\)$", fetch[0]);
        Assert.Equal($"* 2 FETCH (UID 2 FLAGS (\\Flagged \\Recent) MODSEQ ({highest}))", fetch[1]);
        Assert.Equal($"a OK [HIGHESTMODSEQ {highest}] FETCH completed", fetch[2]);

        // SELECT (CONDSTORE) turned it on already: its SELECT reported HIGHESTMODSEQ, the FETCH does not.
        Assert.Contains($"* OK [HIGHESTMODSEQ {highest}] highest", await b.CommandAsync("t SELECT fetchchanged (CONDSTORE)"));
        Assert.Equal([$"* 2 FETCH (UID 2 MODSEQ ({highest}))", "u OK FETCH completed"], await b.CommandAsync("u UID FETCH 2 (MODSEQ)"));
    }

    private async Task<string> HighestModSeqAsync(string mailbox)
    {
        await using var other = await Transcript.ConnectAsync(server);
        var status = await other.CommandAsync($"h STATUS {mailbox} (HIGHESTMODSEQ)");
        return System.Text.RegularExpressions.Regex.Match(status[0], @"HIGHESTMODSEQ (\d+)\)").Groups[1].Value;
    }
}
