using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Text;
using EdgeMail.Net;
using EdgeMail.Testing;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Imap.Tests.Session;

/// <summary>
/// A client that is not on loopback, over an in-memory connection: no plaintext password before TLS
/// (RFC 9051 §6.2.3 LOGINDISABLED, RFC 8314), STARTTLS, and the unauthenticated timeout on a manual clock.
/// </summary>
public sealed class SecurityTests(ImapServer server) : IClassFixture<ImapServer>
{
    private static readonly IPEndPoint Remote = new(IPAddress.Parse("192.0.2.10"), 50000);

    private sealed class Peer(Stream stream) : IDisposable
    {
        private readonly StreamReader _reader = new(stream, Encoding.UTF8, false, 1, leaveOpen: true);

        public Stream Stream { get; set; } = stream;

        public async Task SendAsync(string line)
        {
            await Stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\r\n"));
            await Stream.FlushAsync();
        }

        public async Task<string> ReadLineAsync()
        {
            string? line;
            do
            {
                line = await _reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
            while (line == string.Empty);
            return line ?? "<closed>";
        }

        /// <summary>Lines up to and including the one that starts with <paramref name="tag"/>.</summary>
        public async Task<List<string>> ReadUntilAsync(string tag)
        {
            var lines = new List<string>();
            while (true)
            {
                var line = await ReadLineAsync();
                lines.Add(line);
                if (line.StartsWith(tag + " ", StringComparison.Ordinal) || line == "<closed>")
                {
                    return lines;
                }
            }
        }

        public void Dispose() => _reader.Dispose();
    }

    private (Task Session, Peer Peer) Start(TimeProvider? time = null)
    {
        var connection = MailConnection.CreateInMemory(out var client, Remote, "imap", server.Server.Certificate!.Certificate, time);
        var handler = new ImapConnectionHandler(server.Server.Store, server.Server.Authenticator, server.Options, time ?? TimeProvider.System, server.Server.Logs.CreateLogger<ImapConnectionHandler>());
        var session = Task.Run(async () =>
        {
            await using (connection)
            {
                await handler.RunAsync(connection, CancellationToken.None);
            }
        });
        return (session, new Peer(new PipeStream(client)));
    }

    [Fact]
    public async Task Before_tls_a_remote_client_sees_logindisabled_and_login_is_refused()
    {
        var (_, peer) = Start();
        var greeting = await peer.ReadLineAsync();
        Assert.Contains("LOGINDISABLED", greeting);
        Assert.Contains("STARTTLS", greeting);
        Assert.DoesNotContain("AUTH=PLAIN", greeting);
        Assert.Contains("AUTH=SCRAM-SHA-256", greeting);

        await peer.SendAsync($"a1 LOGIN {ImapServer.User} \"{ImapServer.Password}\"");
        var reply = await peer.ReadUntilAsync("a1");
        Assert.StartsWith("a1 NO [PRIVACYREQUIRED]", reply[^1]);

        await peer.SendAsync("a2 AUTHENTICATE PLAIN " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{ImapServer.User}\0{ImapServer.Password}")));
        Assert.StartsWith("a2 NO [PRIVACYREQUIRED]", (await peer.ReadUntilAsync("a2"))[^1]);
    }

    [Fact]
    public async Task After_starttls_login_works_and_capabilities_change()
    {
        var (_, peer) = Start();
        await peer.ReadLineAsync();
        await peer.SendAsync("t1 STARTTLS");
        Assert.StartsWith("t1 OK", (await peer.ReadUntilAsync("t1"))[^1]);
        var tls = new SslStream(peer.Stream, leaveInnerStreamOpen: true, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("edgemail.local");
        using var secure = new Peer(tls);
        await secure.SendAsync("t2 CAPABILITY");
        var caps = await secure.ReadUntilAsync("t2");
        Assert.DoesNotContain("LOGINDISABLED", caps[0]);
        Assert.DoesNotContain("STARTTLS", caps[0]);
        Assert.Contains("AUTH=PLAIN", caps[0]);
        await secure.SendAsync($"t3 LOGIN {ImapServer.User} \"{ImapServer.Password}\"");
        Assert.StartsWith("t3 OK [CAPABILITY", (await secure.ReadUntilAsync("t3"))[^1]);
    }

    [Fact]
    public async Task Commands_piped_behind_starttls_close_the_connection()
    {
        var (session, peer) = Start();
        await peer.ReadLineAsync();

        // CVE-2011-0411: a command injected in the same packet as STARTTLS must never run, nor be answered.
        await peer.SendAsync("t1 STARTTLS\r\nt2 LOGIN a b");
        var lines = new List<string>();
        for (var line = await peer.ReadLineAsync(); line != "<closed>"; line = await peer.ReadLineAsync())
        {
            lines.Add(line);
        }

        await session.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["t1 OK Begin TLS negotiation now"], lines);
    }

    [Fact]
    public async Task A_client_that_never_logs_in_is_disconnected_after_the_unauthenticated_timeout()
    {
        var clock = new ManualTimeProvider();
        var (session, peer) = Start(clock);
        await peer.ReadLineAsync();
        await Eventually.TrueAsync(() => clock.PendingTimers > 0, "the unauthenticated timer");

        clock.Advance(server.Options.UnauthenticatedTimeout);
        var bye = await peer.ReadLineAsync();
        Assert.StartsWith("* BYE", bye);
        await session.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>The client's end of an in-memory connection as a stream, so SslStream can wrap it.</summary>
    private sealed class PipeStream(IDuplexPipe pipe) : Stream
    {
        private readonly Stream _read = pipe.Input.AsStream();
        private readonly Stream _write = pipe.Output.AsStream();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => _write.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => _write.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => _read.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _read.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _read.ReadAsync(buffer, offset, count, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => _write.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _write.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _write.WriteAsync(buffer, offset, count, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
