using System.Text;
using EdgeMail.Smtp.Tests.Support;
using EdgeMail.Testing;

namespace EdgeMail.Smtp.Tests.Session;

/// <summary>The exact wire behaviour on a raw socket (RFC 5321, RFC 2920, RFC 3030).</summary>
public sealed class TranscriptTests
{
    [Fact]
    public async Task Ehlo_advertises_the_extensions_with_the_size_limit()
    {
        await using var server = await SmtpServer.StartAsync(new SmtpOptions { HostName = "mx.test", MaxMessageBytes = 123456 });
        await using var c = await SmtpTranscript.ConnectAsync(server.Port, "220 mx.test ESMTP*");
        var reply = await c.ExpectAsync("EHLO client.test", "250 *");
        foreach (var keyword in new[] { "PIPELINING", "SIZE 123456", "8BITMIME", "SMTPUTF8", "ENHANCEDSTATUSCODES", "CHUNKING", "DSN", "STARTTLS", "AUTH SCRAM-SHA-256 PLAIN LOGIN" })
        {
            Assert.Contains("250-" + keyword + "\r\n", reply.Replace("\r\n250 ", "\r\n250-", StringComparison.Ordinal) + "\r\n", StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Pipelined_transaction_gets_every_reply_in_order_and_delivers_locally_with_a_Received_header()
    {
        await using var server = await SmtpServer.StartAsync();
        await server.AddUserAsync("alice");
        await server.AddUserAsync("bob");
        await using var c = await SmtpTranscript.ConnectAsync(server.Port);
        await c.ExpectAsync("EHLO scanner.lan", "250 *");

        // RFC 2920 §3.1: the whole group in one write, replies read afterwards.
        await c.SendAsync("MAIL FROM:<scanner@lan.test>\r\nRCPT TO:<alice@edgemail.local>\r\nRCPT TO:<Bob@EdgeMail.Local>\r\nRCPT TO:<nobody@edgemail.local>\r\nDATA\r\n");
        await c.ExpectAsync("250 2.1.0 *");
        await c.ExpectAsync("250 2.1.5 *");
        await c.ExpectAsync("250 2.1.5 *");
        await c.ExpectAsync("550 5.1.1 *");
        await c.ExpectAsync("354 *");
        await c.SendAsync("Subject: scan\r\n\r\n..leading dot\r\nbody\r\n.\r\n");
        await c.ExpectAsync("250 2.0.0 OK delivered");
        await c.ExpectAsync("QUIT", "221 *");

        var alice = Assert.Single(await server.InboxAsync("alice"));
        var bob = Assert.Single(await server.InboxAsync("bob"));
        Assert.Equal(alice.Record.BodyId, bob.Record.BodyId); // one body, one batch
        Assert.StartsWith("Received: from scanner.lan ([127.0.0.1])\r\n\tby mx.test (EdgeMail) with ESMTP id ", alice.Text, StringComparison.Ordinal);
        Assert.EndsWith("\r\nSubject: scan\r\n\r\n.leading dot\r\nbody\r\n", alice.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bdat_chunks_are_joined_and_delivered_at_LAST()
    {
        await using var server = await SmtpServer.StartAsync();
        await server.AddUserAsync("alice");
        await using var c = await SmtpTranscript.ConnectAsync(server.Port);
        await c.ExpectAsync("EHLO nas.lan", "250 *");
        await c.ExpectAsync("MAIL FROM:<nas@lan.test> BODY=8BITMIME", "250 *");
        await c.ExpectAsync("RCPT TO:<alice@edgemail.local>", "250 *");
        var first = "Subject: chunks\r\n\r\n.not stuffed\r\n"u8.ToArray();
        var second = "second chunk\r\n"u8.ToArray();
        await c.SendBytesAsync([.. Encoding.ASCII.GetBytes($"BDAT {first.Length}\r\n"), .. first]);
        await c.ExpectAsync($"250 2.0.0 {first.Length} octets received");
        await c.SendBytesAsync([.. Encoding.ASCII.GetBytes($"BDAT {second.Length} LAST\r\n"), .. second]);
        await c.ExpectAsync("250 2.0.0 OK delivered");

        var message = Assert.Single(await server.InboxAsync("alice"));
        Assert.EndsWith("\r\nSubject: chunks\r\n\r\n.not stuffed\r\nsecond chunk\r\n", message.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_relay_attempt_from_an_untrusted_client_is_refused()
    {
        // Loopback is not trusted here, so this client stands for any host on the Internet.
        await using var server = await SmtpServer.StartAsync(new SmtpOptions { HostName = "mx.test", TrustedNetworks = ["192.0.2.0/24"] });
        await server.AddUserAsync("alice");
        await using var c = await SmtpTranscript.ConnectAsync(server.Port);
        await c.ExpectAsync("EHLO spammer.test", "250 *");
        await c.ExpectAsync("MAIL FROM:<spam@spammer.test>", "250 *");
        await c.ExpectAsync("RCPT TO:<victim@example.net>", "554 5.7.1 *");
        await c.ExpectAsync("RCPT TO:<alice@edgemail.local>", "250 *"); // local delivery is still fine
        await c.ExpectAsync("RSET", "250 *");
        Assert.Empty(await server.Fixture.Store.ListQueueAsync());
    }

    [Fact]
    public async Task Relay_from_a_trusted_client_is_queued_and_allowed_domains_are_enforced()
    {
        await using var server = await SmtpServer.StartAsync(relay: new EdgeMail.Smtp.Relay.RelayOptions { Host = SmtpServer.UnusedUpstream, AllowedDomains = ["example.net"] });
        await using var c = await SmtpTranscript.ConnectAsync(server.Port);
        await c.ExpectAsync("EHLO cron.lan", "250 *");
        await c.ExpectAsync("MAIL FROM:<root@cron.lan>", "250 *");
        await c.ExpectAsync("RCPT TO:<someone@elsewhere.org>", "554 5.7.1 *");
        await c.ExpectAsync("RCPT TO:<admin@mail.example.net>", "250 *");
        await c.ExpectAsync("DATA", "354 *");
        await c.ExpectAsync("Subject: disk\r\n\r\nfull\r\n.", "250 2.0.0 OK queued as *");
        var queued = Assert.Single(await server.Fixture.Store.ListQueueAsync());
        Assert.Equal("root@cron.lan", queued.Sender);
        Assert.Equal("admin@mail.example.net", Assert.Single(queued.Recipients).Address);
    }

    [Fact]
    public async Task Without_an_upstream_relay_outside_recipients_are_refused_at_RCPT_and_local_mail_still_arrives()
    {
        await using var server = await SmtpServer.StartAsync(relay: new EdgeMail.Smtp.Relay.RelayOptions());
        await server.AddUserAsync("alice");
        await using var c = await SmtpTranscript.ConnectAsync(server.Port);
        await c.ExpectAsync("EHLO cron.lan", "250 *");
        await c.ExpectAsync("MAIL FROM:<root@cron.lan>", "250 *");
        await c.ExpectAsync("RCPT TO:<someone@example.net>", "550 5.3.5 No upstream relay is configured*");
        await c.ExpectAsync("RCPT TO:<alice@edgemail.local>", "250 *");
        await c.ExpectAsync("DATA", "354 *");
        await c.ExpectAsync("Subject: local\r\n\r\nstill works\r\n.", "250 2.0.0 OK delivered");

        Assert.Empty(await server.Fixture.Store.ListQueueAsync());
        Assert.Contains("still works", Assert.Single(await server.InboxAsync("alice")).Text);
    }

    [Fact]
    public async Task A_message_nested_deeper_than_the_summary_json_allowed_is_delivered_not_deferred_forever()
    {
        await using var server = await SmtpServer.StartAsync();
        await server.AddUserAsync("alice");
        await using var c = await SmtpTranscript.ConnectAsync(server.Port);
        await c.OpenTransactionAsync("x", "a@b.test", "alice@edgemail.local");
        await c.ExpectAsync("DATA", "354 *");
        var open = string.Concat(Enumerable.Range(0, 40).Select(i => $"Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n"));
        var close = string.Concat(Enumerable.Range(0, 40).Reverse().Select(i => $"--b{i}--\r\n"));
        await c.ExpectAsync("Subject: deep\r\nMIME-Version: 1.0\r\n" + open + "Content-Type: text/plain\r\n\r\ninnermost\r\n" + close + ".", "250 2.0.0 OK delivered");

        Assert.Contains("innermost", Assert.Single(await server.InboxAsync("alice")).Text);
    }

    [Theory]
    [InlineData(1_200)]
    [InlineData(20_000)]
    public async Task A_body_line_longer_than_RFC_5321s_1000_is_stored_as_received(int length)
    {
        await using var server = await SmtpServer.StartAsync();
        await server.AddUserAsync("alice");
        await using var c = await SmtpTranscript.ConnectAsync(server.Port);
        var line = "<p>" + new string('x', length - 7) + "</p>";
        await c.OpenTransactionAsync("x", "a@b.test", "alice@edgemail.local");
        await c.ExpectAsync("DATA", "354 *");
        await c.ExpectAsync("Subject: html\r\nContent-Type: text/html\r\n\r\n" + line + "\r\n.", "250 2.0.0 OK delivered");

        Assert.EndsWith("\r\n\r\n" + line + "\r\n", Assert.Single(await server.InboxAsync("alice")).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_line_past_MaxTextLineBytes_is_refused_once_the_data_is_read()
    {
        await using var server = await SmtpServer.StartAsync();
        await server.AddUserAsync("alice");
        await using var c = await SmtpTranscript.ConnectAsync(server.Port);
        await c.OpenTransactionAsync("x", "a@b.test", "alice@edgemail.local");
        await c.ExpectAsync("DATA", "354 *");
        await c.ExpectAsync("Subject: huge\r\n\r\n" + new string('x', server.Smtp.MaxTextLineBytes) + "\r\n.", "554 5.6.0 *");
        await c.ExpectAsync("NOOP", "250 *");

        Assert.Empty(await server.InboxAsync("alice"));
    }

    [Fact]
    public async Task Submission_port_requires_auth_before_mail()
    {
        await using var server = await SmtpServer.StartAsync();
        await using var c = await SmtpTranscript.ConnectAsync(server.SubmissionPort);
        await c.ExpectAsync("EHLO laptop", "250 *");
        await c.ExpectAsync("MAIL FROM:<alice@edgemail.local>", "530 5.7.0 *");
    }

    [Fact]
    public async Task Authenticated_user_may_only_send_as_themselves()
    {
        await using var server = await SmtpServer.StartAsync();
        await server.AddUserAsync("alice");
        await using var c = await SmtpTranscript.ConnectAsync(server.SubmissionPort);
        await c.ExpectAsync("EHLO laptop", "250 *");
        var token = Convert.ToBase64String(Encoding.UTF8.GetBytes("\0alice@edgemail.local\0" + SmtpServer.Password));
        await c.ExpectAsync("AUTH PLAIN " + token, "235 2.7.0 *");
        await c.ExpectAsync("MAIL FROM:<boss@edgemail.local>", "553 5.7.1 *");
        await c.ExpectAsync("MAIL FROM:<Alice@edgemail.local>", "250 *");
        await c.ExpectAsync("RCPT TO:<friend@example.net>", "250 *");
    }

    [Fact]
    public async Task Wrong_password_gets_535()
    {
        await using var server = await SmtpServer.StartAsync();
        await server.AddUserAsync("alice");
        await using var c = await SmtpTranscript.ConnectAsync(server.SubmissionPort);
        await c.ExpectAsync("EHLO laptop", "250 *");
        await c.ExpectAsync("AUTH LOGIN", "334 *");
        await c.ExpectAsync(Convert.ToBase64String("alice@edgemail.local"u8), "334 *");
        await c.ExpectAsync(Convert.ToBase64String("wrong password"u8), "535 5.7.8 *");
    }

    [Fact]
    public async Task Commands_out_of_order_and_unknown_ones_are_refused()
    {
        await using var server = await SmtpServer.StartAsync();
        await using var c = await SmtpTranscript.ConnectAsync(server.Port);
        await c.ExpectAsync("MAIL FROM:<a@b.test>", "503 5.5.1 *");
        await c.ExpectAsync("FROB", "500 5.5.1 *");
        await c.ExpectAsync("EHLO x", "250 *");
        await c.ExpectAsync("RCPT TO:<a@b.test>", "503 5.5.1 *");
        await c.ExpectAsync("MAIL FROM:<a@b.test>", "250 *");
        await c.ExpectAsync("DATA", "554 5.5.1 *");
        await c.ExpectAsync("MAIL FROM:<a@b.test> FROB=1", "503 5.5.1 *");
        await c.ExpectAsync("RSET", "250 *");
        await c.ExpectAsync("MAIL FROM:<a@b.test> FROB=1", "555 5.5.4 *");
        await c.ExpectAsync("MAIL FROM:<not an address>", "501 5.5.4 *");
        await c.ExpectAsync("VRFY alice", "252 *");
        await c.ExpectAsync("NOOP", "250 *");
    }

    [Fact]
    public async Task Too_many_bad_commands_close_the_connection()
    {
        await using var server = await SmtpServer.StartAsync(new SmtpOptions { MaxBadCommands = 3 });
        await using var c = await SmtpTranscript.ConnectAsync(server.Port);
        await c.ExpectAsync("FROB", "500 *");
        await c.ExpectAsync("FROB", "500 *");
        await c.ExpectAsync("FROB", "500 *");
        await c.ExpectAsync("421 4.7.0 *");
        Assert.True(await c.ClosedAsync());
    }

    [Fact]
    public async Task Declared_size_over_the_limit_is_refused_at_MAIL()
    {
        await using var server = await SmtpServer.StartAsync(new SmtpOptions { MaxMessageBytes = 2000 });
        await using var c = await SmtpTranscript.ConnectAsync(server.Port);
        await c.ExpectAsync("EHLO x", "250 *");
        await c.ExpectAsync("MAIL FROM:<a@b.test> SIZE=2001", "552 5.3.4 *");
    }

    [Fact]
    public async Task Message_over_the_limit_is_read_to_its_end_and_refused_once()
    {
        await using var server = await SmtpServer.StartAsync(new SmtpOptions { MaxMessageBytes = 2000 });
        await server.AddUserAsync("alice");
        await using var c = await SmtpTranscript.ConnectAsync(server.Port);
        await c.OpenTransactionAsync("x", "a@b.test", "alice@edgemail.local");
        await c.ExpectAsync("DATA", "354 *");
        var big = string.Concat(Enumerable.Repeat(new string('x', 70) + "\r\n", 100));
        await c.ExpectAsync("Subject: big\r\n\r\n" + big + ".", "552 5.3.4 *");
        await c.ExpectAsync("NOOP", "250 *"); // still in step
        Assert.Empty(await server.InboxAsync("alice"));
    }

    [Fact]
    public async Task Text_line_over_a_MaxTextLineBytes_of_1000_refuses_the_message_and_command_line_over_the_cap_gets_500()
    {
        await using var server = await SmtpServer.StartAsync(new SmtpOptions { MaxCommandLineBytes = 512, MaxTextLineBytes = 1000 });
        await server.AddUserAsync("alice");
        await using var c = await SmtpTranscript.ConnectAsync(server.Port);
        await c.ExpectAsync("EHLO " + new string('a', 600), "500 5.5.0 *");
        await c.OpenTransactionAsync("x", "a@b.test", "alice@edgemail.local");
        await c.ExpectAsync("DATA", "354 *");
        await c.ExpectAsync("Subject: long\r\n\r\n" + new string('y', 1200) + "\r\n.", "554 5.6.0 *");
        Assert.Empty(await server.InboxAsync("alice"));
    }

    [Fact]
    public async Task Client_that_disconnects_mid_DATA_leaves_nothing_behind()
    {
        await using var server = await SmtpServer.StartAsync();
        await server.AddUserAsync("alice");
        var c = await SmtpTranscript.ConnectAsync(server.Port);
        await c.OpenTransactionAsync("x", "a@b.test", "alice@edgemail.local");
        await c.ExpectAsync("RCPT TO:<friend@example.net>", "250 *");
        await c.ExpectAsync("DATA", "354 *");
        // More than Storage:InlineBodyMaxBytes, so the message is being staged in a file of the store's temp folder.
        await c.SendAsync("Subject: half\r\n\r\n" + string.Concat(Enumerable.Repeat(new string('x', 998) + "\r\n", 300)));
        var staging = Path.Combine(server.Fixture.Store.DataPath, "tmp");
        await Eventually.TrueAsync(() => Task.FromResult(Directory.EnumerateFiles(staging).Any()), "the staging file");
        await c.DisposeAsync();

        await Eventually.TrueAsync(() => Task.FromResult(!Directory.EnumerateFiles(staging).Any()), "the staging file to go");
        Assert.Empty(await server.InboxAsync("alice"));
        Assert.Empty(await server.Fixture.Store.ListQueueAsync());
    }

    [Fact]
    public async Task Non_ascii_address_needs_SMTPUTF8()
    {
        await using var server = await SmtpServer.StartAsync();
        await using var c = await SmtpTranscript.ConnectAsync(server.Port);
        await c.ExpectAsync("EHLO x", "250 *");
        await c.ExpectAsync("MAIL FROM:<jörg@example.net>", "553 5.6.7 *");
        await c.ExpectAsync("MAIL FROM:<jörg@example.net> SMTPUTF8", "250 *");
        await c.ExpectAsync("RCPT TO:<grüße@example.net>", "250 *");
    }

    [Fact]
    public async Task Bytes_pipelined_after_STARTTLS_close_the_connection()
    {
        await using var server = await SmtpServer.StartAsync();
        await using var c = await SmtpTranscript.ConnectAsync(server.Port);
        await c.ExpectAsync("EHLO x", "250 *");
        await c.SendAsync("STARTTLS\r\nMAIL FROM:<injected@evil.test>\r\n");
        await c.ExpectAsync("220 2.0.0 *");
        Assert.True(await c.ClosedAsync());
    }

    [Fact]
    public async Task Postmaster_is_always_accepted_and_goes_to_the_oldest_account()
    {
        await using var server = await SmtpServer.StartAsync();
        await server.AddUserAsync("admin");
        await server.AddUserAsync("bob");
        await using var c = await SmtpTranscript.ConnectAsync(server.Port);
        await c.OpenTransactionAsync("x", "a@b.test", "Postmaster");
        await c.ExpectAsync("RCPT TO:<postmaster@edgemail.local>", "250 *");
        await c.ExpectAsync("DATA", "354 *");
        await c.ExpectAsync("Subject: hello postmaster\r\n\r\nhi\r\n.", "250 *");
        Assert.Single(await server.InboxAsync("admin"));
        Assert.Empty(await server.InboxAsync("bob"));
    }
}
