using System.Text;
using EdgeMail.Smtp.Tests.Support;

namespace EdgeMail.Smtp.Tests.Session;

/// <summary>Forged local senders, mail loops and an announced chunk beyond the limit, each answered for good.</summary>
public sealed class HostileInputTests
{
    [Fact]
    public async Task A_stranger_cannot_send_as_one_of_our_addresses_but_outside_senders_still_reach_us()
    {
        // Loopback is not trusted here, so this client stands for any host on the Internet.
        await using var server = await SmtpServer.StartAsync(new SmtpOptions { HostName = "mx.test", TrustedNetworks = ["192.0.2.0/24"] });
        await server.AddUserAsync("alice");
        await using var c = await SmtpTranscript.ConnectAsync(server.Port);
        await c.ExpectAsync("EHLO forger.test", "250 *");
        await c.ExpectAsync("MAIL FROM:<alice@edgemail.local>", "550 5.7.1 *");
        await c.ExpectAsync("MAIL FROM:<ALICE@EdgeMail.Local>", "550 5.7.1 *");
        await c.ExpectAsync("MAIL FROM:<friend@example.net>", "250 *");
        await c.ExpectAsync("RCPT TO:<alice@edgemail.local>", "250 *");
        await c.ExpectAsync("DATA", "354 *");
        await c.ExpectAsync("Subject: hello\r\n\r\nfrom outside\r\n.", "250 2.0.0 OK delivered");

        Assert.Single(await server.InboxAsync("alice"));
    }

    [Fact]
    public async Task A_needlessly_quoted_local_part_is_the_account_itself_for_delivery_and_for_the_forgery_rule()
    {
        // RFC 5322 §3.4.1: "alice"@ and alice@ are one mailbox. It was refused 550 5.1.1 as an unknown user, where
        // Postfix delivers it; and a stranger's MAIL FROM with it must stay refused as a forged local sender.
        await using var server = await SmtpServer.StartAsync(new SmtpOptions { HostName = "mx.test", TrustedNetworks = ["192.0.2.0/24"] });
        await server.AddUserAsync("alice");
        await using var c = await SmtpTranscript.ConnectAsync(server.Port);
        await c.ExpectAsync("EHLO sender.test", "250 *");
        await c.ExpectAsync("MAIL FROM:<\"alice\"@edgemail.local>", "550 5.7.1 *");
        await c.ExpectAsync("MAIL FROM:<friend@example.net>", "250 *");
        await c.ExpectAsync("RCPT TO:<\"alice\"@edgemail.local>", "250 *");
        await c.ExpectAsync("RCPT TO:<\"alice@example.net\"@edgemail.local>", "550 5.1.1 *");
        await c.ExpectAsync("DATA", "354 *");
        await c.ExpectAsync("Subject: quoted\r\n\r\nhello\r\n.", "250 2.0.0 OK delivered");

        Assert.Single(await server.InboxAsync("alice"));
    }

    [Fact]
    public async Task A_trusted_device_may_still_send_as_a_local_address()
    {
        await using var server = await SmtpServer.StartAsync();
        await server.AddUserAsync("alice");
        await using var c = await SmtpTranscript.ConnectAsync(server.Port);
        await c.ExpectAsync("EHLO scanner.lan", "250 *");
        await c.ExpectAsync("MAIL FROM:<alice@edgemail.local>", "250 *");
    }

    [Theory]
    [InlineData(50, "250 2.0.0 OK delivered")]
    [InlineData(51, "554 5.4.6 *")]
    public async Task A_message_with_more_Received_fields_than_the_limit_is_refused_as_a_loop(int hops, string expected)
    {
        await using var server = await SmtpServer.StartAsync();
        await server.AddUserAsync("alice");
        await using var c = await SmtpTranscript.ConnectAsync(server.Port);
        await c.OpenTransactionAsync("relay.test", "a@b.test", "alice@edgemail.local");
        await c.ExpectAsync("DATA", "354 *");
        await c.ExpectAsync(Hops(hops) + "Subject: loop\r\n\r\nReceived: in the body does not count\r\n.", expected);
        await c.ExpectAsync("NOOP", "250 *");

        Assert.Equal(hops <= 50 ? 1 : 0, (await server.InboxAsync("alice")).Count);
    }

    [Fact]
    public async Task A_looping_message_sent_in_chunks_is_refused_too()
    {
        await using var server = await SmtpServer.StartAsync();
        await server.AddUserAsync("alice");
        await using var c = await SmtpTranscript.ConnectAsync(server.Port);
        await c.OpenTransactionAsync("relay.test", "a@b.test", "alice@edgemail.local");
        var message = Encoding.ASCII.GetBytes(Hops(60) + "Subject: loop\r\n\r\nbody\r\n");
        var half = message.Length / 2;
        await c.SendBytesAsync([.. Encoding.ASCII.GetBytes($"BDAT {half}\r\n"), .. message[..half]]);
        await c.ExpectAsync("250 *");
        await c.SendBytesAsync([.. Encoding.ASCII.GetBytes($"BDAT {message.Length - half} LAST\r\n"), .. message[half..]]);
        await c.ExpectAsync("554 5.4.6 *");

        Assert.Empty(await server.InboxAsync("alice"));
    }

    [Fact]
    public async Task A_chunk_announced_beyond_the_limit_is_refused_unread_and_the_session_closed()
    {
        await using var server = await SmtpServer.StartAsync();
        await server.AddUserAsync("alice");
        await using var c = await SmtpTranscript.ConnectAsync(server.Port);
        await c.OpenTransactionAsync("x", "a@b.test", "alice@edgemail.local");

        await c.ExpectAsync("BDAT 4294967296 LAST", "552 5.3.4 *");

        Assert.True(await c.ClosedAsync());
        Assert.Empty(await server.InboxAsync("alice"));
    }

    private static string Hops(int count) =>
        string.Concat(Enumerable.Range(0, count).Select(i => $"Received: from hop{i}.test\r\n\tby hop{i + 1}.test; Thu, 3 Dec 2026 10:00:00 +0000\r\n"));
}
