using System.Text;
using EdgeMail.Imap.Tests.Mime;

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
        return (t, await CorpusTests.AppendAsync(t, message));
    }

    private static async Task<byte[]> BinaryAsync(Transcript t, uint uid, string section, string partial = "")
    {
        var value = await CorpusTests.FetchItemAsync(t, uid, $"BINARY.PEEK[{section}]{partial}", $"BINARY[{section}]{(partial.Length > 0 ? partial.Split('.')[0] + ">" : string.Empty)}");
        return CorpusTests.LiteralBytes(value);
    }

    [Fact]
    public async Task Body_part_numbers_and_MIME_headers_of_nested_multiparts_are_the_parts_bytes()
    {
        var (t, uid) = await AppendAsync(CorpusTests.Load("nested"));
        await using var _ = t;
        Assert.Equal("Hello Ann,\r\nthe report is attached.", Text(await CorpusTests.FetchSectionAsync(server, uid, "1.1")));
        Assert.Equal(Html, Text(await CorpusTests.FetchSectionAsync(server, uid, "1.2")));
        Assert.Equal("Content-Type: multipart/alternative; boundary=\"inner\"\r\n\r\n", Text(await CorpusTests.FetchSectionAsync(server, uid, "1.MIME")));
        Assert.Equal("Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n", Text(await CorpusTests.FetchSectionAsync(server, uid, "1.2.MIME")));
        Assert.Equal("UXVhcnRlcmx5IG51bWJlcnM6IDEsIDIsIDMuCg==", Text(await CorpusTests.FetchSectionAsync(server, uid, "2")));
    }

    [Fact]
    public async Task Partial_fetch_returns_the_requested_octets_a_short_tail_or_nothing_past_the_end()
    {
        var (t, uid) = await AppendAsync(CorpusTests.Load("nested"));
        await using var _ = t;
        Assert.Equal("Hello Ann", Text(await CorpusTests.FetchSectionAsync(server, uid, "1.2", 3, 9)));
        Assert.Equal("ed.</p>", Text(await CorpusTests.FetchSectionAsync(server, uid, "1.2", 40, 100)));

        // RFC 9051 §6.4.5: the reply names the origin; past the end the data is an empty string.
        Assert.Equal("{9}\r\nHello Ann", await CorpusTests.FetchItemAsync(t, uid, "BODY.PEEK[1.2]<3.9>", "BODY[1.2]<3>"));
        Assert.Matches("^(\"\"|\\{0\\}\r\n)$", await CorpusTests.FetchItemAsync(t, uid, "BODY.PEEK[1.2]<100.10>", "BODY[1.2]<100>"));
    }

    [Fact]
    public async Task Binary_decodes_base64_and_quoted_printable_parts_and_binary_size_counts_the_decoded_octets()
    {
        var (t, uid) = await AppendAsync(CorpusTests.Load("nested"));
        await using var _ = t;
        Assert.Equal("Quarterly numbers: 1, 2, 3.\n", Text(await BinaryAsync(t, uid, "2")));
        Assert.Equal("28", await CorpusTests.FetchItemAsync(t, uid, "BINARY.SIZE[2]", "BINARY.SIZE[2]"));
        Assert.Equal("<p>Hello Ann,<br>the report is attached.</p>", Text(await BinaryAsync(t, uid, "1.2")));
        Assert.Equal("44", await CorpusTests.FetchItemAsync(t, uid, "BINARY.SIZE[1.2]", "BINARY.SIZE[1.2]"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, await BinaryAsync(t, uid, "3"));
        Assert.Equal("numbers", Text(await BinaryAsync(t, uid, "2", "<10.7>")));
    }

    [Fact]
    public async Task Header_text_and_parts_of_an_attached_message_come_from_inside_it()
    {
        var original = CorpusTests.Load("forwarded");
        var (t, uid) = await AppendAsync(original);
        await using var _ = t;
        var raw = Encoding.ASCII.GetString(original);
        var innerStart = raw.IndexOf("From: Erin", StringComparison.Ordinal);
        var innerBody = raw.IndexOf("--lunch-alt\r\n", StringComparison.Ordinal);
        var innerEnd = raw.IndexOf("\r\n--fwd-boundary--", StringComparison.Ordinal);

        Assert.Equal(raw[innerStart..innerBody], Text(await CorpusTests.FetchSectionAsync(server, uid, "2.HEADER")));
        Assert.EndsWith("boundary=\"lunch-alt\"\r\n\r\n", raw[innerStart..innerBody]);
        Assert.Equal(raw[innerBody..innerEnd], Text(await CorpusTests.FetchSectionAsync(server, uid, "2.TEXT")));
        Assert.Equal(raw[innerStart..innerEnd], Text(await CorpusTests.FetchSectionAsync(server, uid, "2")));
        Assert.Equal("Noon at the usual place?", Text(await CorpusTests.FetchSectionAsync(server, uid, "2.1")));
        Assert.Equal("<b>Noon</b> at the usual place?", Text(await CorpusTests.FetchSectionAsync(server, uid, "2.2")));
        Assert.Equal("Content-Type: message/rfc822\r\nContent-Description: forwarded message\r\n\r\n", Text(await CorpusTests.FetchSectionAsync(server, uid, "2.MIME")));
        Assert.Equal("{18}\r\nSubject: Lunch\r\n\r\n", await CorpusTests.FetchItemAsync(t, uid, "BODY.PEEK[2.HEADER.FIELDS (SUBJECT)]", "BODY[2.HEADER.FIELDS (SUBJECT)]"));
    }

    [Fact]
    public async Task Parts_of_a_multipart_without_its_closing_boundary_end_where_the_message_ends()
    {
        var (t, uid) = await AppendAsync(CorpusTests.Load("broken"));
        await using var _ = t;
        Assert.Equal("first part", Text(await CorpusTests.FetchSectionAsync(server, uid, "1")));
        Assert.Equal("AAECAwQF\r\n", Text(await CorpusTests.FetchSectionAsync(server, uid, "2")));
        Assert.Equal(new byte[] { 0, 1, 2, 3, 4, 5 }, await BinaryAsync(t, uid, "2"));
        Assert.Equal("Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n", Text(await CorpusTests.FetchSectionAsync(server, uid, "2.MIME")));
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
        var body = await CorpusTests.FetchItemAsync(t, uint.Parse(uid, System.Globalization.CultureInfo.InvariantCulture), "BODY.PEEK[]", "BODY[]");
        Assert.StartsWith($"{{{message.Length}}}\r\n", body);
        Assert.DoesNotContain('\0', body);
        Assert.EndsWith("b\u0080c\r\n", body);
        var binary = await CorpusTests.FetchItemAsync(t, uint.Parse(uid, System.Globalization.CultureInfo.InvariantCulture), "BINARY.PEEK[]", "BINARY[]");
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
        Assert.Equal(message, await CorpusTests.FetchSectionAsync(server, uid, string.Empty));
        Assert.Equal(attachment, await BinaryAsync(t, uid, "2"));
        Assert.Equal("3000000", await CorpusTests.FetchItemAsync(t, uid, "BINARY.SIZE[2]", "BINARY.SIZE[2]"));
        Assert.Equal(attachment.AsSpan(1_000_000, 1000).ToArray(), await BinaryAsync(t, uid, "2", "<1000000.1000>"));
        Assert.Equal(base64[..76], Text(await CorpusTests.FetchSectionAsync(server, uid, "2", 0, 76)));
        Assert.Equal(message.AsSpan(2_000_000, 100).ToArray(), await CorpusTests.FetchSectionAsync(server, uid, string.Empty, 2_000_000, 100));
        Assert.Equal(message.AsSpan(message.Length - 10).ToArray(), await CorpusTests.FetchSectionAsync(server, uid, string.Empty, message.Length - 10, 100));
        Assert.Contains($"\"base64\" {base64.Length} NIL", await CorpusTests.FetchItemAsync(t, uid, "BODYSTRUCTURE", "BODYSTRUCTURE"));
    }
}
