using EdgeMail.Delivery;
using EdgeMail.Smtp.Inbound;
using EdgeMail.Smtp.Relay;
using EdgeMail.Smtp.Tests.Support;
using EdgeMail.Store;
using EdgeMail.Store.Queue;
using EdgeMail.Testing;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;

namespace EdgeMail.Smtp.Tests.Relay;

/// <summary>The relay queue against a real second SMTP server (aiosmtpd) on loopback, with a manual clock for the backoff.</summary>
public sealed class RelayTests
{
    private static MimeMessage Message(string from, params string[] to)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        foreach (var address in to)
        {
            message.To.Add(MailboxAddress.Parse(address));
        }

        message.Subject = "relay test";
        message.Body = new TextPart("plain") { Text = "to the outside\r\n" };
        return message;
    }

    private static async Task SubmitAsync(SmtpServer server, MimeMessage message, bool authenticate)
    {
        using var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 20_000 };
        if (authenticate)
        {
            await client.ConnectAsync("127.0.0.1", server.SubmissionPort, SecureSocketOptions.StartTls);
            await client.AuthenticateAsync("alice@edgemail.local", SmtpServer.Password);
        }
        else
        {
            await client.ConnectAsync("127.0.0.1", server.Port, SecureSocketOptions.None);
        }

        await client.SendAsync(message);
        await client.DisconnectAsync(true);
    }

    /// <summary>Steps the clock, then waits until the runner has done its pass and armed its next timer.</summary>
    private static async Task AdvanceAsync(SmtpServer server, ManualTimeProvider time, TimeSpan by)
    {
        var passes = server.Runner!.Passes;
        time.Advance(by);
        await Eventually.TrueAsync(() => Task.FromResult(server.Runner.Passes > passes), "the runner to wait again");
    }

    private static Task RunnerWaitingAfterAsync(SmtpServer server, long passes) =>
        Eventually.TrueAsync(() => Task.FromResult(server.Runner!.Passes > passes), "the runner to wait");

    [Fact]
    public async Task A_message_with_long_lines_is_relayed_as_stored_not_re_encoded()
    {
        var port = Upstream.ReservePort();
        await using var upstream = await Upstream.StartAsync(port);
        var relay = new RelayOptions { Host = "127.0.0.1", Port = port, Security = RelaySecurity.None };
        await using var server = await SmtpServer.StartAsync(relay: relay);
        await server.StartRunnerAsync();
        var line = "<td>" + new string('y', 4000) + "</td>";
        await using (var c = await SmtpTranscript.ConnectAsync(server.Port))
        {
            // Raw, as a LAN device sends it: MailKit as the client would itself re-encode the long line.
            await c.ExpectAsync("EHLO scanner.lan", "250 *");
            await c.ExpectAsync("MAIL FROM:<scanner@lan.test>", "250 *");
            await c.ExpectAsync("RCPT TO:<friend@example.net>", "250 *");
            await c.ExpectAsync("DATA", "354 *");
            await c.ExpectAsync("Subject: long\r\nMIME-Version: 1.0\r\nContent-Type: text/html\r\n\r\n" + line + "\r\n.", "250 2.0.0 OK queued as *");
        }

        await Eventually.TrueAsync(() => Task.FromResult(upstream.Received().Length == 1), "the upstream to receive it" + server.Fixture.LogText);
        var received = Assert.Single(upstream.Received());
        Assert.Contains("\r\n" + line + "\r\n", received, StringComparison.Ordinal);
        Assert.DoesNotContain("quoted-printable", received, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Upstream_down_then_up_gets_the_message_exactly_once_without_waiting_out_the_backoff()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var port = Upstream.ReservePort();
        var relay = new RelayOptions
        {
            Host = "127.0.0.1", Port = port, Security = RelaySecurity.None,
            FirstRetryDelay = TimeSpan.FromHours(1), ProbeInterval = TimeSpan.FromMinutes(1), ScanInterval = TimeSpan.FromHours(1),
        };
        await using var server = await SmtpServer.StartAsync(relay: relay, time: time);
        var runner = await server.StartRunnerAsync();
        await RunnerWaitingAfterAsync(server, 0);
        var before = runner.Passes;

        Assert.Equal(RelayHealth.Healthy, server.Health.Current);
        await SubmitAsync(server, Message("scanner@lan.test", "friend@example.net"), authenticate: false);
        await Eventually.TrueAsync(async () => (await server.Fixture.Store.ListQueueAsync()) is [{ Recipients: [{ Attempts: 1, State: RecipientState.Queued, Unreachable: true }] }], "a failed first attempt");
        await RunnerWaitingAfterAsync(server, before);

        // The box asks for attention (the status LED's slow blink) while the mail waits.
        Assert.Equal(new RelayHealth(1, UpstreamUnreachable: true), server.Health.Current);

        await using var upstream = await Upstream.StartAsync(port);
        await AdvanceAsync(server, time, TimeSpan.FromMinutes(1)); // one probe interval, far less than the hour of backoff

        await Eventually.TrueAsync(() => Task.FromResult(upstream.Received().Length == 1), "the upstream to receive it" + server.Fixture.LogText);
        await Eventually.TrueAsync(async () => (await server.Fixture.Store.ListQueueAsync()).Count == 0, "the queue to empty");
        await Eventually.TrueAsync(() => server.Health.Current == RelayHealth.Healthy, "healthy again once it is sent");
        // Each step returns after a whole pass of the runner, its deliveries included (and aiosmtpd writes the file
        // before it answers 250): a second sending would be upstream by now.
        await AdvanceAsync(server, time, TimeSpan.FromHours(2));
        await AdvanceAsync(server, time, TimeSpan.FromHours(2));

        var received = Assert.Single(upstream.Received());
        Assert.Contains("X-Envelope-From: scanner@lan.test", received, StringComparison.Ordinal);
        Assert.Contains("X-Envelope-To: friend@example.net", received, StringComparison.Ordinal);
        Assert.Contains("Received: from ", received, StringComparison.Ordinal);
        Assert.Contains("Subject: relay test", received, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_backlog_goes_upstream_exactly_once_per_recipient_when_workers_reuse_their_connections()
    {
        // Queued while the upstream is down, so that one pass finds them all and its workers keep their connections.
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var port = Upstream.ReservePort();
        var relay = new RelayOptions { Host = "127.0.0.1", Port = port, Security = RelaySecurity.None, MaxParallelDeliveries = 2 };
        await using var server = await SmtpServer.StartAsync(relay: relay, time: time);
        await server.AddUserAsync("alice");
        await server.StartRunnerAsync();
        for (var i = 0; i < 12; i++)
        {
            // One message in the middle has a recipient the upstream refuses: the connection goes on after it.
            var to = i == 5 ? new[] { $"user{i}@example.net", "reject-x@example.net" } : new[] { $"user{i}@example.net" };
            await SubmitAsync(server, Message("alice@edgemail.local", to), authenticate: true);
        }

        await Eventually.TrueAsync(async () => (await server.Fixture.Store.ListQueueAsync()).Sum(m => m.Recipients.Count(r => r.Unreachable)) == 13, "every recipient deferred as unreachable" + server.Fixture.LogText);
        await using var upstream = await Upstream.StartAsync(port);
        await AdvanceAsync(server, time, relay.ProbeInterval);
        await Eventually.TrueAsync(() => Task.FromResult(upstream.Received().Length == 12), "twelve messages upstream" + server.Fixture.LogText);
        await Eventually.TrueAsync(async () => (await server.Fixture.Store.ListQueueAsync()).Count == 0, "the queue to empty");

        var recipients = upstream.Received().Select(m => m.Split("\r\n")[1]).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"X-Envelope-To: user{i}@example.net").Order(), recipients);
        Assert.Single(await server.InboxAsync("alice")); // the report for reject-x
    }

    [Fact]
    public async Task A_550_from_upstream_bounces_into_the_senders_inbox_and_the_other_recipient_gets_it()
    {
        await using var upstream = await Upstream.StartAsync();
        var relay = new RelayOptions { Host = "127.0.0.1", Port = upstream.Port, Security = RelaySecurity.None };
        await using var server = await SmtpServer.StartAsync(relay: relay);
        await server.AddUserAsync("alice");
        await server.StartRunnerAsync();

        await SubmitAsync(server, Message("alice@edgemail.local", "reject-me@example.net", "ok@example.net"), authenticate: true);

        await Eventually.TrueAsync(async () => (await server.InboxAsync("alice")).Count == 1, "the report in alice's INBOX" + server.Fixture.LogText);
        await Eventually.TrueAsync(async () => (await server.Fixture.Store.ListQueueAsync()).Count == 0, "the queue to empty");
        var received = Assert.Single(upstream.Received());
        Assert.Contains("X-Envelope-To: ok@example.net\r\n", received, StringComparison.Ordinal);

        var report = MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(Assert.Single(await server.InboxAsync("alice")).Text)));
        Assert.Equal("Undelivered Mail Returned to Sender", report.Subject);
        var multipart = Assert.IsType<MultipartReport>(report.Body);
        Assert.Equal("delivery-status", multipart.ReportType);
        var status = Assert.Single(multipart.OfType<MessageDeliveryStatus>());
        var recipient = status.StatusGroups[1];
        Assert.Equal("rfc822; reject-me@example.net", recipient["Final-Recipient"]);
        Assert.Equal("failed", recipient["Action"]);
        Assert.Equal("5.1.1", recipient["Status"]);
        Assert.Contains("550", recipient["Diagnostic-Code"], StringComparison.Ordinal);
        Assert.Contains("Subject: relay test", multipart[2].ToString(), StringComparison.Ordinal); // RET default: the headers
    }

    [Fact]
    public async Task Expiry_fails_the_recipient_with_4_4_7_and_reports_it()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var relay = new RelayOptions { Host = "127.0.0.1", Port = Upstream.ReservePort(), Security = RelaySecurity.None, MaxQueueLifetime = TimeSpan.FromHours(3) };
        await using var server = await SmtpServer.StartAsync(relay: relay, time: time);
        await server.AddUserAsync("alice");
        await server.StartRunnerAsync();
        await RunnerWaitingAfterAsync(server, 0);
        var before = server.Runner!.Passes;

        await SubmitAsync(server, Message("alice@edgemail.local", "friend@example.net"), authenticate: true);
        await Eventually.TrueAsync(async () => (await server.Fixture.Store.ListQueueAsync()) is [{ Recipients: [{ Attempts: 1 }] }], "a failed first attempt");
        await RunnerWaitingAfterAsync(server, before);
        await AdvanceAsync(server, time, TimeSpan.FromHours(4));

        await Eventually.TrueAsync(async () => (await server.InboxAsync("alice")).Count == 1, "the expiry report" + server.Fixture.LogText);
        var text = Assert.Single(await server.InboxAsync("alice")).Text;
        Assert.Contains("Status: 4.4.7", text, StringComparison.Ordinal);
        Assert.Empty(await server.Fixture.Store.ListQueueAsync());
    }

    [Fact]
    public async Task A_restart_with_a_non_empty_queue_loses_nothing_and_an_interrupted_attempt_is_sent_once()
    {
        using var folder = new TempFolder();
        var port = Upstream.ReservePort();
        var relay = new RelayOptions { Host = "127.0.0.1", Port = port, Security = RelaySecurity.None };
        var storage = new StoreOptions { Path = folder.Path };
        var signal = new RelayQueueSignal();
        long first, second;
        await using (var store = MailStore.Open(storage))
        {
            var delivery = SmtpServer.Delivery(store, new SmtpOptions());
            var intake = new MailIntake(delivery, relay, signal, TimeProvider.System);
            var envelope = new IntakeEnvelope("root@lan.test", [new RecipientTarget("a@example.net", null), new RecipientTarget("b@example.net", null)], null, null, DsnReturn.Default);
            first = (await intake.DeliverAsync(envelope, await MessageAsync(delivery, "Subject: one\r\n\r\n1\r\n"u8.ToArray()), CancellationToken.None)).QueueId!.Value;
            second = (await intake.DeliverAsync(envelope with { Recipients = [new RecipientTarget("c@example.net", null)] }, await MessageAsync(delivery, "Subject: two\r\n\r\n2\r\n"u8.ToArray()), CancellationToken.None)).QueueId!.Value;

            // The service stops (or dies) in the middle of an attempt for the second message.
            var queued = (await store.GetQueuedAsync(second))!;
            await store.MarkSendingAsync([queued.Recipients[0].Id]);
        }

        await using var upstream = await Upstream.StartAsync(port);
        await using (var store = MailStore.Open(storage))
        {
            Assert.Equal(2, (await store.ListQueueAsync()).Count);
            using var runner = new QueueRunner(store, relay, new SmtpOptions(), SmtpServer.Delivery(store, new SmtpOptions()), signal, TimeProvider.System, NullLogger<QueueRunner>.Instance);
            await runner.StartAsync(CancellationToken.None);
            await Eventually.TrueAsync(() => Task.FromResult(upstream.Received().Length == 2), "both messages upstream");
            await Eventually.TrueAsync(async () => (await store.ListQueueAsync()).Count == 0, "the queue to empty");
            await runner.StopAsync(CancellationToken.None);
        }

        var received = upstream.Received();
        Assert.Equal(2, received.Length);
        Assert.Single(received, r => r.Contains("X-Envelope-To: a@example.net,b@example.net", StringComparison.Ordinal) && r.Contains("Subject: one", StringComparison.Ordinal));
        Assert.Single(received, r => r.Contains("X-Envelope-To: c@example.net", StringComparison.Ordinal) && r.Contains("Subject: two", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(6, 32)]
    [InlineData(7, 60)]
    [InlineData(30, 60)]
    public void Backoff_starts_within_a_minute_and_grows_to_hourly(int attempts, int minutes) =>
        Assert.Equal(TimeSpan.FromMinutes(minutes), Backoff.After(attempts, new RelayOptions()));

    private static async Task<IncomingMessage> MessageAsync(MailDelivery delivery, byte[] bytes)
    {
        var message = await delivery.BeginAsync(null);
        await message.WriteAsync(bytes, CancellationToken.None);
        return message;
    }
}
