using System.Diagnostics;
using System.Globalization;
using System.Text;
using EdgeMail.Smtp.Tests.Support;

namespace EdgeMail.Smtp.Tests.Session;

/// <summary>
/// A client with Nagle's algorithm on (SmtpTranscript's TcpClient, as most clients) that writes a message's
/// end apart from what came before it: DATA's body and then its ".\r\n" (RFC 5321 §4.1.1.4), or a BDAT command
/// and then its chunk (RFC 3030 §2). The kernel holds the second write until the first is acknowledged; without
/// the network layer's TCP_QUICKACK, each message then waits out the delayed ACK (measured: 44-56 ms each).
/// smtplib itself writes the whole DATA at once and does not stall (measured: 5-6 ms a message either way).
/// </summary>
public sealed class NagleClientTests
{
    private const int Messages = 20;

    // A delayed ACK costs at least 40 ms. Counted rather than averaged, with the bar at half the messages, so
    // that the fsyncs of a busy machine do not decide the test: without quick ACKs every message stalls.
    private static readonly TimeSpan Stall = TimeSpan.FromMilliseconds(35);

    [Theory]
    [InlineData("DATA")]
    [InlineData("BDAT")]
    public async Task Message_whose_end_is_written_apart_is_accepted_without_waiting_for_a_delayed_ACK(string verb)
    {
        await using var server = await SmtpServer.StartAsync();
        await server.AddUserAsync("alice");
        await using var c = await SmtpTranscript.ConnectAsync(server.Port);
        await c.ExpectAsync("EHLO nas.lan", "250 *");
        var times = new List<TimeSpan>();
        for (int i = 0; i < Messages; i++)
        {
            var body = Encoding.ASCII.GetBytes($"Subject: message {i}\r\n\r\n" + string.Concat(Enumerable.Repeat("A line of text.\r\n", 20)));
            var watch = Stopwatch.StartNew();
            await c.ExpectAsync("MAIL FROM:<nas@lan.test>", "250 *");
            await c.ExpectAsync("RCPT TO:<alice@edgemail.local>", "250 *");
            if (verb == "DATA")
            {
                await c.ExpectAsync("DATA", "354 *");
                await c.SendBytesAsync(body);
                await c.SendAsync(".\r\n");
            }
            else
            {
                await c.SendAsync($"BDAT {body.Length} LAST\r\n");
                await c.SendBytesAsync(body);
            }

            await c.ExpectAsync("250 2.0.0 *");
            times.Add(watch.Elapsed);
        }

        Assert.Equal(Messages, (await server.InboxAsync("alice")).Count);
        int stalled = times.Count(t => t >= Stall);
        Assert.True(stalled < Messages / 2,
            $"{stalled} of {Messages} messages took {Stall.TotalMilliseconds} ms or more: " +
            string.Join(" ", times.Select(t => t.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture))));
    }
}
