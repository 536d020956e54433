using EdgeMail.Pop3.Tests.Support;
using EdgeMail.Store.Changes;

namespace EdgeMail.Pop3.Tests.Session;

/// <summary>The exact wire behaviour, on a raw socket against the real server.</summary>
public sealed class TranscriptTests
{
    [Fact]
    public async Task Greeting_then_login_reports_the_maildrop()
    {
        await using var server = await Pop3Server.StartAsync();
        await server.DeliverAsync(Pop3Server.Message("one"));
        await using var client = await RawClient.ConnectAsync(server.Port);
        await client.ExpectLineAsync("+OK EdgeMail POP3 ready");
        await client.ExpectAsync("USER " + Pop3Server.User, "+OK*");
        var size = (await server.InboxAsync())[0].Size;
        await client.ExpectAsync("PASS " + Pop3Server.Password, $"+OK maildrop has 1 messages ({size} octets)");
        await client.ExpectAsync("QUIT", "+OK*");
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task Wrong_password_answers_AUTH_and_needs_USER_again()
    {
        await using var server = await Pop3Server.StartAsync();
        await using var client = await RawClient.ConnectAsync(server.Port);
        await client.ExpectLineAsync("+OK*");
        await client.ExpectAsync("USER " + Pop3Server.User, "+OK*");
        await client.ExpectAsync("PASS wrong", "-ERR [AUTH] *");
        await client.ExpectAsync("PASS " + Pop3Server.Password, "-ERR send USER first");
        await client.ExpectAsync("USER " + Pop3Server.User, "+OK*");
        await client.ExpectAsync("PASS " + Pop3Server.Password, "+OK maildrop has 0 messages (0 octets)");
        Assert.DoesNotContain(Pop3Server.Password, server.Fixture.LogText, StringComparison.Ordinal);
        Assert.DoesNotContain("PASS wrong", server.Fixture.LogText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Capa_before_login_lists_the_extensions()
    {
        await using var server = await Pop3Server.StartAsync(new Pop3Options { ExpireDays = 30 });
        await using var client = await RawClient.ConnectAsync(server.Port);
        await client.ExpectLineAsync("+OK*");
        await client.ExpectAsync("CAPA", "+OK*");
        var lines = await client.ReadMultiLineAsync();
        Assert.Equal(
            ["TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "EXPIRE 30", "UTF8", "IMPLEMENTATION EdgeMail", "USER", "SASL SCRAM-SHA-256 PLAIN LOGIN", "STLS"],
            lines);
    }

    [Fact]
    public async Task Capa_after_login_drops_the_authorization_extensions()
    {
        await using var server = await Pop3Server.StartAsync();
        await using var client = await RawClient.LoginAsync(server.Port);
        await client.ExpectAsync("CAPA", "+OK*");
        var lines = await client.ReadMultiLineAsync();
        Assert.Contains("EXPIRE NEVER", lines);
        Assert.DoesNotContain("USER", lines);
        Assert.DoesNotContain("STLS", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("SASL", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stat_and_list_sizes_equal_the_octets_retr_sends()
    {
        await using var server = await Pop3Server.StartAsync();

        // Stored with bare LFs and without a final line end: the wire has CRLFs, so it is longer than the file.
        await server.DeliverAsync("Subject: bare\nFrom: x@example.org\n\nline one\n.dot line\nlast");
        await server.DeliverAsync(Pop3Server.Message("crlf", "a\r\n..two dots\r\n"));
        await using var client = await RawClient.LoginAsync(server.Port);
        var stat = await client.ExpectAsync("STAT", "+OK 2 *");
        await client.ExpectAsync("LIST", "+OK 2 messages*");
        var list = await client.ReadMultiLineAsync();
        long total = 0;
        for (var i = 1; i <= 2; i++)
        {
            var listed = long.Parse(list[i - 1].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            await client.ExpectAsync($"LIST {i}", $"+OK {i} {listed}");
            await client.ExpectAsync($"RETR {i}", $"+OK {listed} octets");
            var body = await client.ReadMultiLineBytesAsync();
            var unstuffed = System.Text.Encoding.ASCII.GetString(body).Replace("\r\n..", "\r\n.", StringComparison.Ordinal);
            if (unstuffed.StartsWith("..", StringComparison.Ordinal))
            {
                unstuffed = unstuffed[1..];
            }

            Assert.Equal(listed, unstuffed.Length);
            total += listed;
        }

        Assert.Equal($"+OK 2 {total}", stat);
    }

    [Fact]
    public async Task Retr_byte_stuffs_lines_that_start_with_a_dot()
    {
        await using var server = await Pop3Server.StartAsync();
        await server.DeliverAsync("Subject: dots\r\n\r\n.\r\n..\r\n.x\r\nend\r\n");
        await using var client = await RawClient.LoginAsync(server.Port);
        await client.ExpectAsync("RETR 1", "+OK*");
        var lines = await client.ReadMultiLineAsync();
        Assert.Equal(["Subject: dots", "", "..", "...", "..x", "end"], lines);
    }

    [Fact]
    public async Task Dot_stuffing_round_trips_the_stored_bytes()
    {
        await using var server = await Pop3Server.StartAsync();
        var stored = "Subject: round trip\r\n\r\n.\r\n..\r\n...three\r\n. space\r\nmiddle . dot\r\n.\r\n"u8.ToArray();
        await server.DeliverAsync(stored);
        await using var client = await RawClient.LoginAsync(server.Port);
        await client.ExpectAsync("RETR 1", "+OK*");
        var wire = await client.ReadMultiLineBytesAsync();

        // RFC 1939 §3: the client removes the first "." of each line that starts with one.
        var lines = System.Text.Encoding.ASCII.GetString(wire).Split("\r\n");
        var unstuffed = string.Join("\r\n", lines.Select(l => l.StartsWith('.') ? l[1..] : l));
        Assert.Equal(System.Text.Encoding.ASCII.GetString(stored), unstuffed);
        Assert.All(lines, l => Assert.NotEqual(".", l));
    }

    [Fact]
    public async Task Top_sends_the_header_and_the_asked_body_lines()
    {
        await using var server = await Pop3Server.StartAsync();
        await server.DeliverAsync("Subject: top\r\nX: y\r\n\r\nb1\r\nb2\r\nb3\r\n");
        await using var client = await RawClient.LoginAsync(server.Port);
        await client.ExpectAsync("TOP 1 0", "+OK*");
        Assert.Equal(["Subject: top", "X: y", ""], await client.ReadMultiLineAsync());
        await client.ExpectAsync("TOP 1 2", "+OK*");
        Assert.Equal(["Subject: top", "X: y", "", "b1", "b2"], await client.ReadMultiLineAsync());
        await client.ExpectAsync("TOP 1 100", "+OK*");
        Assert.Equal(["Subject: top", "X: y", "", "b1", "b2", "b3"], await client.ReadMultiLineAsync());
        await client.ExpectAsync("TOP 2 1", "-ERR no such message");
    }

    [Fact]
    public async Task Uidl_is_stable_across_sessions_and_derived_from_uid_and_uidvalidity()
    {
        await using var server = await Pop3Server.StartAsync();
        var first = await server.DeliverAsync(Pop3Server.Message("one"));
        await server.DeliverAsync(Pop3Server.Message("two"));
        List<string> firstListing;
        await using (var client = await RawClient.LoginAsync(server.Port))
        {
            await client.ExpectAsync("UIDL", "+OK*");
            firstListing = await client.ReadMultiLineAsync();
            await client.ExpectAsync("UIDL 1", $"+OK 1 {first.Uid:X8}{first.UidValidity:X8}");
            await client.ExpectAsync("DELE 1", "+OK*");
            await client.ExpectAsync("QUIT", "+OK*");
        }

        await using (var client = await RawClient.LoginAsync(server.Port))
        {
            await client.ExpectAsync("UIDL", "+OK*");
            var second = await client.ReadMultiLineAsync();

            // Message 2 became message 1, and kept its unique-id.
            Assert.Equal("1 " + firstListing[1].Split(' ')[1], Assert.Single(second));
        }
    }

    [Fact]
    public async Task Dele_and_quit_reach_imap_sessions_as_expunged()
    {
        await using var server = await Pop3Server.StartAsync();
        var a = await server.DeliverAsync(Pop3Server.Message("a"));
        var b = await server.DeliverAsync(Pop3Server.Message("b"));

        // What a selected IMAP session consumes.
        using var feed = server.Store.Changes.Subscribe(server.InboxId);
        await using var client = await RawClient.LoginAsync(server.Port);
        await client.ExpectAsync("DELE 1", "+OK*");
        await client.ExpectAsync("DELE 1", "-ERR message already deleted");
        await client.ExpectAsync("RETR 1", "-ERR no such message");
        await client.ExpectAsync("LIST 1", "-ERR no such message");
        await client.ExpectAsync("STAT", $"+OK 1 {(await server.InboxAsync())[1].Size}");

        // Nothing happens before QUIT (RFC 1939 §6).
        Assert.False(feed.Reader.TryRead(out _));
        Assert.Equal(2, (await server.InboxAsync()).Count);

        await client.ExpectAsync("QUIT", "+OK*");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var change = await feed.Reader.ReadAsync(timeout.Token);
        Assert.Equal(ChangeKind.Expunged, change.Kind);
        Assert.Equal(a.Uid, change.Uid);
        Assert.Equal(b.Uid, Assert.Single(await server.InboxAsync()).Uid);
    }

    [Fact]
    public async Task Rset_undeletes()
    {
        await using var server = await Pop3Server.StartAsync();
        await server.DeliverAsync(Pop3Server.Message("a"));
        await server.DeliverAsync(Pop3Server.Message("b"));
        await using var client = await RawClient.LoginAsync(server.Port);
        await client.ExpectAsync("DELE 1", "+OK*");
        await client.ExpectAsync("DELE 2", "+OK*");
        await client.ExpectAsync("STAT", "+OK 0 0");
        await client.ExpectAsync("RSET", "+OK maildrop has 2 messages*");
        await client.ExpectAsync("QUIT", "+OK*");
        Assert.Equal(2, (await server.InboxAsync()).Count);
    }

    [Fact]
    public async Task Dropped_connection_without_quit_deletes_nothing()
    {
        await using var server = await Pop3Server.StartAsync();
        await server.DeliverAsync(Pop3Server.Message("a"));
        await using (var client = await RawClient.LoginAsync(server.Port))
        {
            await client.ExpectAsync("DELE 1", "+OK*");
        }

        // The lock is released when the server notices; the next session then sees the message.
        await using var again = await RawClient.LoginWhenFreeAsync(server.Port);
        await again.ExpectAsync("STAT", "+OK 1 *");
        Assert.Single(await server.InboxAsync());
    }

    [Fact]
    public async Task Pipelined_commands_are_answered_in_order()
    {
        await using var server = await Pop3Server.StartAsync();
        await server.DeliverAsync("Subject: p\r\n\r\nbody\r\n");
        await using var client = await RawClient.ConnectAsync(server.Port);
        await client.ExpectLineAsync("+OK*");
        await client.SendAsync($"USER {Pop3Server.User}\r\nPASS {Pop3Server.Password}\r\nSTAT\r\nRETR 1\r\nBOGUS\r\nNOOP\r\nDELE 1\r\nQUIT\r\n");
        await client.ExpectLineAsync("+OK*");
        await client.ExpectLineAsync("+OK maildrop has 1 messages*");
        await client.ExpectLineAsync("+OK 1 *");
        await client.ExpectLineAsync("+OK * octets");
        Assert.Equal(["Subject: p", "", "body"], await client.ReadMultiLineAsync());
        await client.ExpectLineAsync("-ERR unknown command");
        await client.ExpectLineAsync("+OK");
        await client.ExpectLineAsync("+OK message deleted");
        await client.ExpectLineAsync("+OK*");
        Assert.True(await client.IsClosedAsync());
        Assert.Empty(await server.InboxAsync());
    }

    [Fact]
    public async Task Second_session_on_the_same_account_gets_IN_USE()
    {
        await using var server = await Pop3Server.StartAsync();
        await using var first = await RawClient.LoginAsync(server.Port);
        await using var second = await RawClient.ConnectAsync(server.Port);
        await second.ExpectLineAsync("+OK*");
        await second.ExpectAsync("USER " + Pop3Server.User, "+OK*");
        await second.ExpectAsync("PASS " + Pop3Server.Password, "-ERR [IN-USE] *");

        // Still in AUTHORIZATION: once the first session quits, the second may log in.
        await second.ExpectAsync("STAT", "-ERR*");
        await first.ExpectAsync("QUIT", "+OK*");
        await second.ExpectAsync("USER " + Pop3Server.User, "+OK*");
        await second.ExpectAsync("PASS " + Pop3Server.Password, "+OK*");
    }

    [Fact]
    public async Task Maildrop_lock_spans_both_endpoints_and_is_per_account()
    {
        await using var server = await Pop3Server.StartAsync();
        await server.Fixture.AddUserAsync("bob@example.org", "bobs password");
        await using var alice = await RawClient.LoginAsync(server.Port);

        await using var aliceOverTls = await RawClient.ConnectAsync(server.TlsPort, implicitTls: true);
        await aliceOverTls.ExpectLineAsync("+OK*");
        await aliceOverTls.ExpectAsync("USER " + Pop3Server.User, "+OK*");
        await aliceOverTls.ExpectAsync("PASS " + Pop3Server.Password, "-ERR [IN-USE] *");

        await using var bob = await RawClient.LoginAsync(server.Port, "bob@example.org", "bobs password");
        await bob.ExpectAsync("STAT", "+OK 0 0");
    }

    [Fact]
    public async Task Mail_delivered_during_a_session_appears_in_the_next()
    {
        await using var server = await Pop3Server.StartAsync();
        await server.DeliverAsync(Pop3Server.Message("a"));
        await using (var client = await RawClient.LoginAsync(server.Port))
        {
            await server.DeliverAsync(Pop3Server.Message("b"));
            await client.ExpectAsync("STAT", "+OK 1 *");
            await client.ExpectAsync("QUIT", "+OK*");
        }

        await using var next = await RawClient.LoginWhenFreeAsync(server.Port);
        await next.ExpectAsync("STAT", "+OK 2 *");
    }

    [Fact]
    public async Task Bad_input_gets_ERR_and_the_session_goes_on_until_the_limit()
    {
        await using var server = await Pop3Server.StartAsync(new Pop3Options { MaxBadCommands = 4 });
        await using var client = await RawClient.LoginAsync(server.Port);
        await client.ExpectAsync("XYZZY", "-ERR unknown command");
        await client.ExpectAsync("RETR 99999999999999999999", "-ERR syntax error*");
        await client.ExpectAsync("RETR 5", "-ERR no such message"); // a valid command: not counted
        await client.ExpectAsync(new string('A', 5000), "-ERR line too long");
        await client.ExpectAsync("NOOP", "+OK");
        await client.SendRawAsync([0xFF, 0x00, 0x41, 0x0D, 0x0A]);
        await client.ExpectLineAsync("-ERR unknown command");
        await client.ExpectLineAsync("-ERR too many bad commands*");
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task Transaction_commands_are_refused_before_login()
    {
        await using var server = await Pop3Server.StartAsync();
        await using var client = await RawClient.ConnectAsync(server.Port);
        await client.ExpectLineAsync("+OK*");
        await client.ExpectAsync("STAT", "-ERR command not valid in this state");
        await client.ExpectAsync("RETR 1", "-ERR command not valid in this state");
        await client.ExpectAsync("QUIT", "+OK*");
    }

    [Fact]
    public async Task Stls_upgrades_and_forgets_the_user()
    {
        await using var server = await Pop3Server.StartAsync();
        await using var client = await RawClient.ConnectAsync(server.Port);
        await client.ExpectLineAsync("+OK*");
        await client.ExpectAsync("USER " + Pop3Server.User, "+OK*");
        await client.ExpectAsync("STLS", "+OK begin TLS*");
        await client.StartTlsAsync();
        await client.ExpectAsync("PASS " + Pop3Server.Password, "-ERR send USER first");
        await client.ExpectAsync("CAPA", "+OK*");
        Assert.DoesNotContain("STLS", await client.ReadMultiLineAsync());
        await client.ExpectAsync("STLS", "-ERR TLS is already active");
        await client.ExpectAsync("USER " + Pop3Server.User, "+OK*");
        await client.ExpectAsync("PASS " + Pop3Server.Password, "+OK*");
    }

    [Fact]
    public async Task Data_pipelined_after_stls_closes_the_connection()
    {
        await using var server = await Pop3Server.StartAsync();
        await using var client = await RawClient.ConnectAsync(server.Port);
        await client.ExpectLineAsync("+OK*");
        await client.SendAsync("STLS\r\nUSER injected\r\n");
        await client.ExpectLineAsync("+OK begin TLS*");
        Assert.True(await client.IsClosedAsync());
        Assert.Contains("CVE-2011-0411", server.Fixture.LogText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Implicit_tls_endpoint_serves_pop3()
    {
        await using var server = await Pop3Server.StartAsync();
        await server.DeliverAsync(Pop3Server.Message("a"));
        await using var client = await RawClient.ConnectAsync(server.TlsPort, implicitTls: true);
        await client.ExpectLineAsync("+OK*");
        await client.ExpectAsync("CAPA", "+OK*");
        Assert.DoesNotContain("STLS", await client.ReadMultiLineAsync());
        await client.ExpectAsync("USER " + Pop3Server.User, "+OK*");
        await client.ExpectAsync("PASS " + Pop3Server.Password, "+OK maildrop has 1 messages*");
    }

    [Fact]
    public async Task Utf8_is_accepted_in_authorization_only()
    {
        await using var server = await Pop3Server.StartAsync();
        await using var client = await RawClient.ConnectAsync(server.Port);
        await client.ExpectLineAsync("+OK*");
        await client.ExpectAsync("UTF8", "+OK*");
        await client.ExpectAsync("USER " + Pop3Server.User, "+OK*");
        await client.ExpectAsync("PASS " + Pop3Server.Password, "+OK*");
        await client.ExpectAsync("UTF8", "-ERR command not valid in this state");
    }
}
