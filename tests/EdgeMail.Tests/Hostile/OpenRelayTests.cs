using System.Text;
using EdgeMail.Testing;
using EdgeMail.Testing.Hostile;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;

namespace EdgeMail.Tests.Hostile;

/// <summary>
/// Open-relay probes and forged senders from a client that is neither authenticated nor in Smtp:TrustedNetworks
/// (loopback is taken out of them here, so that 127.x stands for any host on the Internet), with an upstream relay
/// configured, so that a hole in the policy would queue mail. Outside domains, however disguised (source routes,
/// address literals, look-alike domains), are refused 554 5.7.1; the routing tricks on a local domain (percent hack,
/// bang path, quoted addresses) name no account and are refused 550 5.1.1; nothing is queued. Senders: a stranger
/// may not use one of our addresses (550 5.7.1), an authenticated user only their own (553 5.7.1, RFC 6409 §6.1).
/// </summary>
public sealed class OpenRelayTests : IAsyncLifetime
{
    private HostileServer _server = null!;

    public async Task InitializeAsync() => _server = await HostileServer.StartAsync(
    [
        "Smtp:TrustedNetworks:0=192.0.2.0/24",
        "Relay:Host=127.0.0.1", $"Relay:Port={EdgeMailProcess.FreePort()}", "Relay:Security=None",
    ], withBob: true);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static readonly (string Recipient, string Expected)[] Probes =
    [
        ("friend@example.net", "554 5.7.1 "),
        ("@edgemail.local:friend@example.net", "554 5.7.1 "),
        ("@edgemail.local,@mx.edgemail.local:friend@example.net", "554 5.7.1 "),
        ("postmaster@example.net", "554 5.7.1 "),
        ("friend@[192.0.2.1]", "554 5.7.1 "),
        ("friend@[127.0.0.1]", "554 5.7.1 "),
        ("friend@edgemail.local.example.net", "554 5.7.1 "),
        ("friend@localhost", "554 5.7.1 "),
        ("alice%example.net@edgemail.local", "550 5.1.1 "),
        ("friend%example.net@edgemail.local", "550 5.1.1 "),
        ("example.net!friend@edgemail.local", "550 5.1.1 "),
        ("\"friend@example.net\"@edgemail.local", "550 5.1.1 "),
        ("friend@example.net@edgemail.local", "501 5.5.4 "),
    ];

    [Fact]
    public async Task Relay_probes_are_refused_nothing_is_queued_and_the_user_is_served()
    {
        await using var user = await WellBehavedClient.ConnectAsync(_server);
        var answers = new List<(string Recipient, string Expected, string Reply)>();
        var attack = Task.Run(async () =>
        {
            foreach (var sender in new[] { "probe@example.org", "" })
            {
                foreach (var (recipient, expected) in Probes)
                {
                    await using var c = await IntakeAsync("127.0.10.1");
                    await c.SendAsync($"MAIL FROM:<{sender}>");
                    Assert.StartsWith("250 ", await c.ReadReplyAsync());
                    await c.SendAsync($"RCPT TO:<{recipient}>");
                    answers.Add((recipient, expected, await c.ReadReplyAsync()));

                    // With no recipient accepted there is nothing to send to (RFC 5321 §3.3).
                    await c.SendAsync("DATA");
                    Assert.StartsWith("5", await c.ReadReplyAsync());
                }
            }

            // Submission without AUTH takes no mail at all (RFC 6409 §4.3).
            await using var submission = await LoopbackClient.ConnectAsync("127.0.10.2", _server.Submission);
            Assert.StartsWith("220 ", await submission.ReadReplyAsync());
            await submission.SendAsync("EHLO probe.example");
            Assert.StartsWith("250 ", await submission.ReadReplyAsync());
            await submission.SendAsync("MAIL FROM:<probe@example.org>");
            Assert.StartsWith("530 5.7.0 ", await submission.ReadReplyAsync());
        });
        var rounds = await user.WorkWhileAsync(attack);

        Assert.All(answers, a => Assert.True(a.Reply.StartsWith(a.Expected, StringComparison.Ordinal), $"RCPT TO:<{a.Recipient}> answered {a.Reply}, not {a.Expected}"));
        Assert.Equal(2 * Probes.Length, answers.Count);
        Assert.Contains("the relay queue is empty", await _server.QueueListAsync(), StringComparison.Ordinal);

        // The relay is configured, so the empty queue means refused, not unroutable: bob, authenticated, relays.
        await using (var bob = await SubmissionAsync("127.0.10.3", HostileServer.Bob))
        {
            await bob.SendAsync($"MAIL FROM:<{HostileServer.Bob}>");
            Assert.StartsWith("250 ", await bob.ReadReplyAsync());
            await bob.SendAsync("RCPT TO:<friend@example.net>");
            Assert.StartsWith("250 ", await bob.ReadReplyAsync());
            await SendBodyAsync(bob, HostileServer.Bob, "to a friend");
        }

        Assert.Contains("<friend@example.net>", await _server.QueueListAsync(), StringComparison.Ordinal);
        Assert.True(rounds.Count >= 2);
        Assert.Contains("sound", await _server.CheckAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forged_local_senders_are_refused_and_outside_senders_still_reach_the_user()
    {
        await using var user = await WellBehavedClient.ConnectAsync(_server);
        var attack = Task.Run(async () =>
        {
            // A stranger, every spelling of one of our addresses.
            foreach (var forged in new[] { "alice@edgemail.local", "ALICE@EdgeMail.Local", "\"alice\"@edgemail.local", "@relay.example:alice@edgemail.local", "postmaster@edgemail.local", HostileServer.Bob })
            {
                await using var c = await IntakeAsync("127.0.11.1");
                await c.SendAsync($"MAIL FROM:<{forged}>");
                Assert.StartsWith("550 5.7.1 ", await c.ReadReplyAsync());
            }

            // bob, authenticated on submission and on the intake port, as alice or as a stranger: refused.
            foreach (var port in new[] { _server.Submission, _server.Smtp })
            {
                await using var bob = await SubmissionAsync("127.0.11.2", HostileServer.Bob, port);
                foreach (var other in new[] { HostileServer.Alice, "@relay.example:alice@edgemail.local", "friend@example.net" })
                {
                    await bob.SendAsync($"MAIL FROM:<{other}>");
                    Assert.StartsWith("553 5.7.1 ", await bob.ReadReplyAsync());
                }

                await bob.SendAsync("MAIL FROM:<BOB@edgemail.local>");
                Assert.StartsWith("250 ", await bob.ReadReplyAsync());
            }

            // The outside world still writes to alice.
            await using var outside = await IntakeAsync("127.0.11.3");
            await outside.SendAsync("MAIL FROM:<friend@example.net>");
            Assert.StartsWith("250 ", await outside.ReadReplyAsync());
            await outside.SendAsync($"RCPT TO:<{HostileServer.Alice}>");
            Assert.StartsWith("250 ", await outside.ReadReplyAsync());
            await SendBodyAsync(outside, "friend@example.net", "from outside");
        });
        var rounds = await user.WorkWhileAsync(attack);

        // In alice's INBOX, from the strangers, only the outside message.
        using (var imap = new ImapClient())
        {
            await imap.ConnectAsync("127.0.0.1", _server.Imap, SecureSocketOptions.None);
            await imap.AuthenticateAsync(HostileServer.Alice, HostileServer.Password);
            await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
            var senders = (await imap.Inbox.FetchAsync(0, -1, MessageSummaryItems.Envelope)).Select(m => m.Envelope!.From.Mailboxes.Single().Address).ToList();
            Assert.Single(senders, s => s != HostileServer.Alice);
            Assert.Contains("friend@example.net", senders);
            await imap.DisconnectAsync(true);
        }

        Assert.True(rounds.Count >= 2);
        Assert.Contains("sound", await _server.CheckAsync(), StringComparison.Ordinal);
    }

    private async Task<LoopbackClient> IntakeAsync(string from)
    {
        var c = await LoopbackClient.ConnectAsync(from, _server.Smtp);
        Assert.StartsWith("220 ", await c.ReadReplyAsync());
        await c.SendAsync("EHLO probe.example");
        Assert.StartsWith("250 ", await c.ReadReplyAsync());
        return c;
    }

    private async Task<LoopbackClient> SubmissionAsync(string from, string account, int? port = null)
    {
        var c = await LoopbackClient.ConnectAsync(from, port ?? _server.Submission);
        Assert.StartsWith("220 ", await c.ReadReplyAsync());
        await c.SendAsync("EHLO device.example");
        Assert.StartsWith("250 ", await c.ReadReplyAsync());
        await c.SendAsync("AUTH PLAIN " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{account}\0{HostileServer.Password}")));
        Assert.StartsWith("235 ", await c.ReadReplyAsync());
        return c;
    }

    private static async Task SendBodyAsync(LoopbackClient c, string from, string subject)
    {
        await c.SendAsync("DATA");
        Assert.StartsWith("354 ", await c.ReadReplyAsync());
        await c.SendAsync($"From: {from}\r\nSubject: {subject}\r\n\r\nhello\r\n.");
        Assert.StartsWith("250 ", await c.ReadReplyAsync());
    }
}
