using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;

namespace EdgeMail.Net.Tests;

// WaitForInputAsync and ReleasePipes: how a session waits for hours (IMAP IDLE) holding no buffers.
public sealed class MailConnectionWaitTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    // Whether the client's bytes had been sent when the wait ended: false means it ended with nothing to read.
    private static async Task<bool> EndedAfterSendAsync(Task wait, StrongBox<bool> sent)
    {
        await wait;
        return Volatile.Read(ref sent.Value);
    }

    [Fact]
    public async Task Waiting_for_input_releases_the_pipes_and_the_next_line_is_read_whole()
    {
        await using var connection = MailConnection.CreateInMemory(out var client);
        var input = connection.Input;
        var output = connection.Output;

        var sent = new StrongBox<bool>();
        var wait = EndedAfterSendAsync(connection.WaitForInputAsync().AsTask(), sent);
        Assert.False(wait.IsCompleted);

        Volatile.Write(ref sent.Value, true);
        await client.Output.WriteAsync(Encoding.ASCII.GetBytes("DONE\r\n"));
        Assert.True(await wait.WaitAsync(Wait), "the wait ended before the client sent anything");

        Assert.NotSame(input, connection.Input);
        Assert.NotSame(output, connection.Output);
        var line = await connection.Lines.ReadLineAsync(100, Wait);
        Assert.Equal("DONE", Encoding.ASCII.GetString(line.Line.Span));
    }

    [Fact]
    public async Task Buffered_input_is_ready_at_once_and_kept()
    {
        await using var connection = MailConnection.CreateInMemory(out var client);
        await client.Output.WriteAsync(Encoding.ASCII.GetBytes("a NOOP\r\nb NOOP\r\n"));
        var first = await connection.Lines.ReadLineAsync(100, Wait);
        Assert.Equal("a NOOP", Encoding.ASCII.GetString(first.Line.Span));

        // The second command came in the same read: nothing to wait for, and the pipes keep it.
        Assert.False(connection.ReleasePipes());
        await connection.WaitForInputAsync().AsTask().WaitAsync(Wait);
        var second = await connection.Lines.ReadLineAsync(100, Wait);
        Assert.Equal("b NOOP", Encoding.ASCII.GetString(second.Line.Span));
    }

    [Fact]
    public async Task Unflushed_output_keeps_the_pipes()
    {
        await using var connection = MailConnection.CreateInMemory(out _);
        connection.Output.Write("* 3 EXISTS\r\n"u8);
        Assert.False(connection.ReleasePipes());
        await connection.Output.FlushAsync();
        Assert.True(connection.ReleasePipes());
    }

    [Fact]
    public async Task Over_a_socket_the_wait_ends_only_with_the_clients_bytes_or_its_close()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.LocalEndPoint!);
        var server = await listener.AcceptAsync();
        await using var connection = new MailConnection(
            "test", "imap", (IPEndPoint)server.LocalEndPoint!, (IPEndPoint)server.RemoteEndPoint!, server,
            new SocketStream(server, quickAck: true), MemoryPool<byte>.Shared, null, Wait, TimeProvider.System);

        // Many rounds: the socket engine's early wake-ups (about one in six) must not end the wait.
        for (int round = 0; round < 20; round++)
        {
            var sent = new StrongBox<bool>();
            var wait = EndedAfterSendAsync(connection.WaitForInputAsync().AsTask(), sent);

            // Kept: a window of real time in which the engine's early wake-up would end the wait; the flag shows
            // whether it ended before the send at any moment of it.
            await Task.Delay(20);
            Volatile.Write(ref sent.Value, true);
            await client.SendAsync(Encoding.ASCII.GetBytes($"DONE {round}\r\n"));
            Assert.True(await wait.WaitAsync(Wait), $"round {round}: the wait ended with nothing sent");
            var line = await connection.Lines.ReadLineAsync(100, Wait);
            Assert.Equal($"DONE {round}", Encoding.ASCII.GetString(line.Line.Span));
        }

        var last = connection.WaitForInputAsync().AsTask();
        client.Shutdown(SocketShutdown.Send);
        await last.WaitAsync(Wait);
        Assert.Equal(LineReadStatus.Closed, (await connection.Lines.ReadLineAsync(100, Wait)).Status);
    }
}
