using System.Diagnostics;
using EdgeMail.Net.Tests.Support;
using EdgeMail.Testing;

namespace EdgeMail.Net.Tests;

/// <summary>
/// A client with Nagle's algorithm on (no TCP_NODELAY, as imaplib, smtplib and most clients) that sends one line
/// in two writes, as an IMAP client sends a literal and then its CRLF: the kernel holds the second write until
/// the first is acknowledged. The server acknowledges after each read (TCP_QUICKACK, Linux), so the line arrives
/// at once; without that, each one waits for the delayed-ACK timer, 40 ms or more.
/// </summary>
public sealed class SocketStreamTests : IDisposable
{
    private const int Rounds = 20;
    private const int WarmUpRounds = 3;

    // A delayed ACK costs at least 40 ms (Linux TCP_DELACK_MIN); a round without one takes well under a
    // millisecond on loopback. Counting rounds past 35 ms, not averaging, keeps a stall on a busy machine from
    // deciding the test: without quick ACKs every round stalls.
    private static readonly TimeSpan Stall = TimeSpan.FromMilliseconds(35);

    private readonly TempFolder _data = new();
    private readonly CertificateProvider _certificates;

    public SocketStreamTests()
    {
        _certificates = new CertificateProvider(new TlsOptions(), _data.Path);
    }

    public void Dispose()
    {
        _certificates.Dispose();
        _data.Dispose();
    }

    [Theory]
    [InlineData(TlsMode.None)]
    [InlineData(TlsMode.Implicit)]
    public async Task Line_sent_in_two_writes_by_a_Nagle_client_is_answered_without_waiting_for_a_delayed_ACK(TlsMode tls)
    {
        var times = await SplitLineRoundsAsync(new NetOptions(), tls);

        Assert.True(times.Count(t => t >= Stall) < Rounds / 2, Describe(times));
    }

    [Fact]
    public async Task With_TcpQuickAck_off_a_Nagle_client_waits_out_the_delayed_ACK_on_each_line()
    {
        // The control for the test above: the same rounds do stall on this kernel when the option is off.
        var times = await SplitLineRoundsAsync(new NetOptions { TcpQuickAck = false }, TlsMode.None);

        Assert.True(times.Count(t => t >= Stall) >= Rounds / 2, Describe(times));
    }

    private async Task<List<TimeSpan>> SplitLineRoundsAsync(NetOptions options, TlsMode tls)
    {
        await using var listener = await TestListener.StartAsync(new EchoHandler(), tls, options, certificates: _certificates);
        await using var client = await listener.ConnectAsync();
        client.Socket.NoDelay = false;
        if (tls == TlsMode.Implicit)
        {
            await client.StartTlsAsync();
        }

        Assert.StartsWith("HELLO ", await client.ReadLineAsync());
        var times = new List<TimeSpan>();
        for (int i = 0; i < WarmUpRounds + Rounds; i++)
        {
            var watch = Stopwatch.StartNew();
            await client.SendAsync($"ROUND {i} first half, ");
            await client.SendAsync("second half\r\n");
            await client.ExpectLineAsync($"ECHO ROUND {i} first half, second half");
            if (i >= WarmUpRounds)
            {
                times.Add(watch.Elapsed);
            }
        }

        return times;
    }

    private static string Describe(List<TimeSpan> times) =>
        $"{times.Count(t => t >= Stall)} of {times.Count} rounds took {Stall.TotalMilliseconds} ms or more: " +
        string.Join(" ", times.Select(t => t.TotalMilliseconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)));
}
