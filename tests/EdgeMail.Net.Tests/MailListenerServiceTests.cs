using System.Net;
using System.Net.Sockets;
using EdgeMail.Net.Tests.Support;
using EdgeMail.Testing;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Net.Tests;

public sealed class MailListenerServiceTests
{
    [Fact]
    public async Task Started_reports_the_ephemeral_port_and_the_handler_serves_lines()
    {
        var handler = new EchoHandler();
        await using var listener = await TestListener.StartAsync(handler, name: "imap");

        Assert.NotEqual(0, listener.EndPoint.Port);
        Assert.Equal(listener.EndPoint, listener.Service.LocalEndPoint);
        await using var client = await listener.ConnectAsync();
        await client.ExpectLineAsync("HELLO imap secure=False");
        await client.SendAsync("PING\r\nINFO\n");
        await client.ExpectLineAsync("ECHO PING");
        await client.ExpectLineAsync("INFO secure=False loopback=True endpoint=imap remote=127.0.0.1 tls=None bare-lf=True");
        await client.SendAsync("QUIT\r\n");
        await client.ExpectLineAsync("BYE");
        Assert.Empty(await client.ReadUntilClosedAsync());
    }

    [Fact]
    public async Task Binding_a_port_in_use_fails_the_start_with_a_message_naming_the_endpoint()
    {
        await using var first = await TestListener.StartAsync(new EchoHandler());
        using var second = new MailListenerService(
            new ListenerEndpoint("smtp", IPAddress.Loopback, first.EndPoint.Port, TlsMode.None, new EchoHandler()),
            new ConnectionLimiter(10, 10), new NetOptions(), new CollectingLoggerFactory().CreateLogger<MailListenerService>(), null, null, System.Buffers.MemoryPool<byte>.Shared);

        var error = await Assert.ThrowsAsync<IOException>(() => second.StartAsync(CancellationToken.None));

        Assert.StartsWith($"smtp: cannot listen on 127.0.0.1:{first.EndPoint.Port}", error.Message);
        await Assert.ThrowsAsync<IOException>(() => second.Started);
    }

    [Fact]
    public async Task Handler_exception_is_logged_with_the_connection_id_and_the_listener_keeps_serving()
    {
        await using var listener = await TestListener.StartAsync(new EchoHandler());
        await using (var failing = await listener.ConnectAndGreetAsync())
        {
            await failing.SendAsync("THROW\r\n");
            Assert.Empty(await failing.ReadUntilClosedAsync());
        }

        await using var next = await listener.ConnectAndGreetAsync();
        await next.SendAsync("PING\r\n");
        await next.ExpectLineAsync("ECHO PING");
        var error = Assert.Single(listener.Entries, e => e.Level == LogLevel.Error);
        Assert.Matches("^Connection [0-9A-V]{13} failed$", error.Message);
        Assert.IsType<InvalidOperationException>(error.Exception);
    }

    [Fact]
    public async Task Resets_garbage_and_half_closed_clients_do_not_disturb_the_listener()
    {
        var handler = new EchoHandler();
        await using var listener = await TestListener.StartAsync(handler);

        // Reset at once (RST instead of FIN), before the server has looked at the connection.
        using (var reset = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await reset.ConnectAsync(listener.EndPoint);
            reset.LingerState = new LingerOption(true, 0);
        }

        // Binary garbage with NULs and no line end, then half-close.
        await using (var garbage = await listener.ConnectAndGreetAsync())
        {
            var bytes = new byte[64 * 1024];
            new Random(7).NextBytes(bytes);
            bytes.AsSpan().Replace((byte)'\n', (byte)0);
            await garbage.SendAsync(bytes);
            garbage.Socket.Shutdown(SocketShutdown.Send);
            // The overlong line never ends, so the client's close is all the server sees: it closes without a word.
            Assert.Empty(await garbage.ReadUntilClosedAsync());
        }

        // Connect and leave without a word.
        using (var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await silent.ConnectAsync(listener.EndPoint);
        }

        await using var client = await listener.ConnectAndGreetAsync();
        await client.SendAsync("PING\r\n");
        await client.ExpectLineAsync("ECHO PING");
        Assert.DoesNotContain(listener.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task Overlong_line_gets_one_error_without_growing_memory_while_other_clients_are_served()
    {
        var pool = new CountingMemoryPool();
        await using var listener = await TestListener.StartAsync(new EchoHandler { MaxLineBytes = 1024 }, pool: pool);
        await using var flooder = await listener.ConnectAndGreetAsync();
        await using var neighbour = await listener.ConnectAndGreetAsync();

        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)'A');
        var flood = Task.Run(async () =>
        {
            for (int sent = 0; sent < 10 * 1024 * 1024; sent += chunk.Length)
            {
                await flooder.SendAsync(chunk);
            }
            await flooder.SendAsync("\r\nPING\r\n");
        });
        for (int i = 0; i < 20 && (i == 0 || !flood.IsCompleted); i++)
        {
            await neighbour.SendAsync($"N{i}\r\n");
            await neighbour.ExpectLineAsync($"ECHO N{i}");
        }
        await flood.WaitAsync(TimeSpan.FromSeconds(20));

        await flooder.ExpectLineAsync("ERR too long");
        await flooder.ExpectLineAsync("ECHO PING");
        Assert.True(pool.PeakBytes <= 32 * 1024, $"peak {pool.PeakBytes} bytes rented while reading a 10 MB line");
    }

    [Fact]
    public async Task Literal_bytes_are_read_exactly_and_the_line_after_them_is_framed()
    {
        await using var listener = await TestListener.StartAsync(new EchoHandler());
        await using var client = await listener.ConnectAndGreetAsync();

        await client.SendAsync("LITERAL 12\r\n");
        await client.ExpectLineAsync("+ go");
        await client.SendAsync("hello\r\nworldPING\r\n");

        // The CRLF inside the literal is data, not a line end; the echo shows it back as two lines.
        await client.ExpectLineAsync("GOT hello");
        await client.ExpectLineAsync("world");
        await client.ExpectLineAsync("ECHO PING");
    }

    [Fact]
    public async Task Connection_count_follows_open_connections()
    {
        await using var listener = await TestListener.StartAsync(new EchoHandler());
        await using (var client = await listener.ConnectAndGreetAsync())
        {
            Assert.Equal(1, listener.Service.ConnectionCount);
            await client.SendAsync("QUIT\r\n");
            await client.ReadUntilClosedAsync();
        }

        await Eventually.TrueAsync(() => listener.Service.ConnectionCount == 0);
    }
}
