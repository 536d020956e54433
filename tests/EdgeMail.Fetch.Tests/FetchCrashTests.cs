// RFC 8305 §5 (Happy Eyeballs: the connection attempt delay).
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace EdgeMail.Fetch.Tests;

/// <summary>
/// The fetcher when the provider's side fails under it. The SIGKILL rounds of a box in its first sync run the real
/// binary (tests/EdgeMail.CrashHarness --fetch; in CI through tests/EdgeMail.Tests/CrashHarnessTests.cs). Here, the
/// connection: an address of the provider that never answers, as a box with broken IPv6 sees the provider's AAAA
/// address, or a dead server among its A records. All on 127.0.0.1: a listener whose accept queue is full, so that
/// the kernel drops every further SYN, plays the address that never answers.
/// </summary>
public sealed class FetchCrashTests
{
    [Fact]
    public async Task An_address_that_never_answers_is_passed_over_for_the_next_within_a_moment()
    {
        using var silent = new SilentAddress();
        var provider = new TcpListener(IPAddress.Loopback, 0);
        provider.Start();
        try
        {
            var at = (IPEndPoint)provider.LocalEndpoint;
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var clock = Stopwatch.StartNew();

            using var socket = await RemoteLink.ConnectAsync([silent.Endpoint, at], RemoteLink.ConnectionAttemptDelay, deadline.Token);

            Assert.Equal(at, socket.RemoteEndPoint);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"connected after {clock.Elapsed.TotalSeconds:0.0} s; the silent address held it up");
            using var accepted = await provider.AcceptSocketAsync(deadline.Token);
        }
        finally
        {
            provider.Stop();
        }
    }

    [Fact]
    public async Task An_address_that_refuses_is_left_at_once_without_waiting_out_the_attempt_delay()
    {
        var refusing = ClosedPort();
        var provider = new TcpListener(IPAddress.Loopback, 0);
        provider.Start();
        try
        {
            var at = (IPEndPoint)provider.LocalEndpoint;
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var clock = Stopwatch.StartNew();

            using var socket = await RemoteLink.ConnectAsync([refusing, at], TimeSpan.FromSeconds(20), deadline.Token);

            Assert.Equal(at, socket.RemoteEndPoint);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"connected after {clock.Elapsed.TotalSeconds:0.0} s");
        }
        finally
        {
            provider.Stop();
        }
    }

    [Fact]
    public async Task Addresses_that_all_refuse_give_the_refusal()
    {
        var refusing = ClosedPort();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var error = await Assert.ThrowsAsync<SocketException>(() => RemoteLink.ConnectAsync([refusing, refusing], RemoteLink.ConnectionAttemptDelay, deadline.Token));

        Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
    }

    [Fact]
    public async Task Addresses_that_never_answer_end_at_the_deadline()
    {
        using var silent = new SilentAddress();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RemoteLink.ConnectAsync([silent.Endpoint, silent.Endpoint], RemoteLink.ConnectionAttemptDelay, deadline.Token));

        Assert.True(deadline.IsCancellationRequested);
    }

    /// <summary>A port on 127.0.0.1 that nothing listens on: a connection there is refused at once (RST).</summary>
    private static IPEndPoint ClosedPort()
    {
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var endpoint = (IPEndPoint)closed.LocalEndpoint;
        closed.Stop();
        return endpoint;
    }

    /// <summary>
    /// A listener on 127.0.0.1 with a backlog of 0 and one connection in its accept queue, never accepted: Linux drops
    /// every further SYN to it, so a connection attempt waits as it does for a host that never answers.
    /// </summary>
    private sealed class SilentAddress : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Socket _filler = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        public SilentAddress()
        {
            _listener.Start(0);
            Endpoint = (IPEndPoint)_listener.LocalEndpoint;
            _filler.Connect(Endpoint);

            // Without this the tests above would prove nothing: the address must not answer.
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            Assert.ThrowsAny<OperationCanceledException>(() => probe.ConnectAsync(Endpoint, wait.Token).AsTask().GetAwaiter().GetResult());
        }

        public IPEndPoint Endpoint { get; }

        public void Dispose()
        {
            _filler.Dispose();
            _listener.Stop();
        }
    }
}
