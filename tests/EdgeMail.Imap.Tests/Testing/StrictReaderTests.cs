using System.Net;
using System.Net.Sockets;
using System.Text;
using EdgeMail.Testing.Imap;

namespace EdgeMail.Imap.Tests.Testing;

/// <summary>
/// The framing reader (literals by byte count, RFC 9051 §4.3) and the session rules of ImapSessionInvariants
/// (RFC 7162 §3.1.4.1 MODSEQ never goes back; RFC 9051 §7.3.5 keywords announced by FLAGS).
/// </summary>
public sealed class StrictReaderTests
{
    private static ImapResponseReader Reader(string wire) => new(new MemoryStream(Encoding.Latin1.GetBytes(wire)));

    private static async Task<List<ImapResponse>> ReadAllAsync(ImapResponseReader reader)
    {
        var list = new List<ImapResponse>();
        while (await reader.ReadAsync() is { } response)
        {
            list.Add(response);
        }

        return list;
    }

    [Fact]
    public async Task Literal_is_read_by_byte_count_even_when_it_holds_a_literal_header_and_CRLF()
    {
        var responses = await ReadAllAsync(Reader("* 1 FETCH (BODY[] {11}\r\nline {99}\r\n UID 4)\r\n* 1 FETCH (BINARY[] ~{3}\r\na\0c)\r\n* 2 EXISTS\r\n"));
        Assert.Equal(["FETCH", "FETCH", "EXISTS"], responses.Select(r => r.Name));
        Assert.Equal("line {99}\r\n"u8.ToArray(), responses[0].Fetch!.Section("BODY[]"));
        Assert.Equal(4u, responses[0].Fetch!.Uid);
        Assert.Equal("a\0c"u8.ToArray(), responses[1].Fetch!.Section("BINARY[]"));
        Assert.Equal(ImapStringForm.Literal8, responses[1].Fetch!.Sections["BINARY[]"].Form);
    }

    [Fact]
    public async Task Literal_shorter_than_announced_swallows_the_next_response_and_throws()
    {
        var reader = Reader("* 3 EXISTS\r\n* 1 FETCH (BODY[] {10}\r\nabc)\r\n* 2 EXISTS\r\n");
        Assert.Equal("EXISTS", (await reader.ReadAsync())!.Name);
        var e = await Assert.ThrowsAsync<ImapSyntaxException>(() => reader.ReadAsync());
        Assert.Equal((34, 12L), (e.Offset, e.StreamOffset!.Value));
        Assert.Contains("stream offset 46", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connection_closed_inside_a_literal_or_a_line_throws()
    {
        var literal = await Assert.ThrowsAsync<ImapSyntaxException>(() => Reader("* 1 FETCH (BODY[] {10}\r\nabc").ReadAsync());
        Assert.Contains("closed inside a literal", literal.Message, StringComparison.Ordinal);
        var line = await Assert.ThrowsAsync<ImapSyntaxException>(() => Reader("* 1 FETCH (UID 4").ReadAsync());
        Assert.Contains("closed inside it", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bare_LF_is_a_framing_error()
    {
        var e = await Assert.ThrowsAsync<ImapSyntaxException>(() => Reader("* 1 EXISTS\n").ReadAsync());
        Assert.Equal(10, e.Offset);
    }

    [Fact]
    public async Task Clean_end_of_stream_between_responses_is_null()
    {
        Assert.Null(await Reader(string.Empty).ReadAsync());
    }

    [Fact]
    public async Task Silent_server_times_out_instead_of_hanging()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var accepted = await listener.AcceptTcpClientAsync();
        await accepted.GetStream().WriteAsync("* OK half"u8.ToArray());
        var reader = new ImapResponseReader(client.GetStream()) { ReadTimeout = TimeSpan.FromMilliseconds(300) };
        var e = await Assert.ThrowsAsync<TimeoutException>(() => reader.ReadAsync());
        Assert.Contains("* OK half", e.Message, StringComparison.Ordinal);
    }

    private static void Observe(ImapSessionInvariants invariants, string wire)
    {
        foreach (var response in ImapResponseParser.ParseAll(Encoding.Latin1.GetBytes(wire)))
        {
            invariants.Observe(response);
        }
    }

    [Fact]
    public void MODSEQ_going_back_for_a_UID_breaks_the_session_rule()
    {
        var invariants = new ImapSessionInvariants { CheckModSeqNeverDecreases = true };
        invariants.CommandSent("s SELECT INBOX");
        Observe(invariants, "* OK [UIDVALIDITY 7] x\r\n* 1 FETCH (UID 5 MODSEQ (10))\r\n* 1 FETCH (MODSEQ (10) UID 5)\r\n* 2 FETCH (UID 6 MODSEQ (3))\r\n");
        var e = Assert.Throws<ImapInvariantException>(() => Observe(invariants, "* 1 FETCH (UID 5 MODSEQ (9))\r\n"));
        Assert.Contains("MODSEQ of UID 5 went back from 10 to 9", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MODSEQ_rule_keeps_mailboxes_apart_and_is_off_unless_asked()
    {
        var invariants = new ImapSessionInvariants { CheckModSeqNeverDecreases = true };
        invariants.CommandSent("s SELECT INBOX");
        Observe(invariants, "* OK [UIDVALIDITY 7] x\r\n* 1 FETCH (UID 5 MODSEQ (10))\r\n");
        invariants.CommandSent("s SELECT \"Other box\"");
        Observe(invariants, "* OK [UIDVALIDITY 8] x\r\n* 1 FETCH (UID 5 MODSEQ (2))\r\n");
        var off = new ImapSessionInvariants();
        Observe(off, "* 1 FETCH (UID 5 MODSEQ (10))\r\n* 1 FETCH (UID 5 MODSEQ (9))\r\n");
        invariants.CommandSent("s SELECT INBOX");
        Assert.Throws<ImapInvariantException>(() => Observe(invariants, "* OK [UIDVALIDITY 7] x\r\n* 1 FETCH (UID 5 MODSEQ (9))\r\n"));
    }

    [Fact]
    public void Keyword_not_in_the_latest_FLAGS_breaks_the_session_rule()
    {
        var invariants = new ImapSessionInvariants { CheckKeywordsAnnounced = true };
        Observe(invariants, "* FLAGS (\\Seen \\Deleted $Junk)\r\n* 1 FETCH (FLAGS (\\Seen \\Answered \\Flagged \\Draft \\Recent \\Deleted $junk))\r\n");
        var e = Assert.Throws<ImapInvariantException>(() => Observe(invariants, "* 1 FETCH (FLAGS ($Work))\r\n"));
        Assert.Contains("keyword $Work", e.Message, StringComparison.Ordinal);
        Observe(invariants, "* FLAGS ($Work)\r\n* 1 FETCH (FLAGS ($Work))\r\n");
        Assert.Throws<ImapInvariantException>(() => Observe(invariants, "* 1 FETCH (FLAGS ($Junk))\r\n"));
        Assert.Throws<ImapInvariantException>(() => Observe(new ImapSessionInvariants { CheckKeywordsAnnounced = true }, "* 1 FETCH (FLAGS ($Junk))\r\n"));
        Observe(new ImapSessionInvariants(), "* 1 FETCH (FLAGS ($Junk))\r\n");
    }
}
