using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using EdgeMail.Net;
using EdgeMail.Pop3;
using EdgeMail.Testing;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Imap.Tests.Mime;

/// <summary>
/// A message with bare LFs is served with CRLF line ends (RFC 9051 §2.3.1, RFC 1939 §3), whether it came in after
/// delivery started converting (stored with CRLF) or was stored before, as it came (converted when served): IMAP's
/// RFC822.SIZE, BODY[], partial fetches and sections, and POP3's LIST and RETR all agree, and agree with Dovecot
/// (bare-lf.eml: RFC822.SIZE 412 from 392 stored bytes).
/// </summary>
public sealed class LineEndsTests : IAsyncLifetime
{
    private const string User = ImapServer.User;
    private const string Password = ImapServer.Password;

    private ServerFixture _server = null!;

    public async Task InitializeAsync()
    {
        _server = await ServerFixture.StartAsync(services =>
        {
            var imap = new ImapConnectionHandler(services.Store, services.Authenticator, new ImapOptions(), services.Time, services.Logs.CreateLogger<ImapConnectionHandler>());
            var pop3 = new Pop3ConnectionHandler(services.Store, new Pop3Maildrops(), services.Authenticator, new Pop3Options(), services.Time, services.Logs.CreateLogger<Pop3ConnectionHandler>());
            return [new FixtureEndpoint("imap", TlsMode.None, imap), new FixtureEndpoint("pop3", TlsMode.None, pop3)];
        });
        await _server.AddUserAsync(User, Password);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<bool> StoredAsReceived() => new() { false, true };

    /// <summary>Appends through the store: as delivery does now, or with the bytes kept as releases before stored them.</summary>
    private async Task<uint> StoreAsync(byte[] message, bool asReceived)
    {
        var account = (await _server.Store.FindAccountAsync(User))!;
        var inbox = (await _server.Store.GetMailboxAsync(account.Id, "INBOX"))!;
        var result = await _server.Store.AppendAsync(inbox.Id, new EdgeMail.Store.Messages.AppendRequest(new MemoryStream(message)) { KeepLineEnds = asReceived });
        return result.Uid;
    }

    [Theory]
    [MemberData(nameof(StoredAsReceived))]
    public async Task Bare_LF_message_is_served_with_CRLF_and_one_size_by_IMAP_and_POP3(bool storedAsReceived)
    {
        var original = MimeCorpus.Load("bare-lf");
        var served = CorpusSession.WithCrlf(original);
        Assert.Equal((392, 412), (original.Length, served.Length));
        var uid = await StoreAsync(original, storedAsReceived);

        await using var t = await Transcript.ConnectAsync(_server.Ports["imap"]);
        Assert.StartsWith("s OK", (await t.CommandAsync("s SELECT INBOX"))[^1]);
        Assert.Equal("412", await CorpusSession.FetchItemAsync(t, uid, "RFC822.SIZE", "RFC822.SIZE"));
        Assert.Equal(served, CorpusSession.LiteralBytes(await CorpusSession.FetchItemAsync(t, uid, "BODY.PEEK[]", "BODY[]")));

        // Partial fetches and sections are cut from the same CRLF bytes (offsets as Dovecot gives them).
        Assert.Equal(served[200..260], CorpusSession.LiteralBytes(await CorpusSession.FetchItemAsync(t, uid, "BODY.PEEK[]<200.60>", "BODY[]<200>")));
        Assert.Equal("line one\r\nline two"u8.ToArray(), CorpusSession.LiteralBytes(await CorpusSession.FetchItemAsync(t, uid, "BODY.PEEK[1]", "BODY[1]")));
        Assert.Equal("two"u8.ToArray(), CorpusSession.LiteralBytes(await CorpusSession.FetchItemAsync(t, uid, "BODY.PEEK[1]<15.10>", "BODY[1]<15>")));
        Assert.Equal("Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"u8.ToArray(), CorpusSession.LiteralBytes(await CorpusSession.FetchItemAsync(t, uid, "BODY.PEEK[2.MIME]", "BODY[2.MIME]")));
        Assert.Equal("softbreak"u8.ToArray(), CorpusSession.LiteralBytes(await CorpusSession.FetchItemAsync(t, uid, "BINARY.PEEK[2]", "BINARY[2]")));
        Assert.Equal(MimeCorpus.Expected("bare-lf", "bodystructure"), await CorpusSession.FetchItemAsync(t, uid, "BODYSTRUCTURE", "BODYSTRUCTURE"));

        // POP3: LIST's octets and the bytes RETR sends (before byte-stuffing, which this message does not need).
        using var pop = new TcpClient();
        await pop.ConnectAsync("127.0.0.1", _server.Ports["pop3"]);
        var stream = pop.GetStream();
        var reader = new PopReader(stream);
        Assert.StartsWith("+OK", await reader.LineAsync());
        foreach (var command in (string[])[$"USER {User}", $"PASS {Password}"])
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"));
            Assert.StartsWith("+OK", await reader.LineAsync());
        }

        await stream.WriteAsync("LIST 1\r\n"u8.ToArray());
        Assert.Equal("+OK 1 412", await reader.LineAsync());
        await stream.WriteAsync("RETR 1\r\n"u8.ToArray());
        Assert.Equal("+OK 412 octets", await reader.LineAsync());
        Assert.Equal(served, await reader.MultiLineAsync());
    }

    /// <summary>Reads POP3 replies as octets: a line, or a multi-line response up to its terminator (RFC 1939 §3).</summary>
    private sealed class PopReader(Stream stream)
    {
        private readonly List<byte> _buffer = [];

        public async Task<string> LineAsync() => Encoding.Latin1.GetString(await ReadLineAsync()).TrimEnd('\r', '\n');

        public async Task<byte[]> MultiLineAsync()
        {
            var body = new List<byte>();
            while (true)
            {
                var line = await ReadLineAsync();
                if (line.AsSpan().SequenceEqual(".\r\n"u8))
                {
                    return [.. body];
                }

                body.AddRange(line[0] == (byte)'.' ? line[1..] : line);
            }
        }

        private async Task<byte[]> ReadLineAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (true)
            {
                var lf = _buffer.IndexOf((byte)'\n');
                if (lf >= 0)
                {
                    var line = _buffer.GetRange(0, lf + 1).ToArray();
                    _buffer.RemoveRange(0, lf + 1);
                    return line;
                }

                var chunk = new byte[4096];
                var n = await stream.ReadAsync(chunk, timeout.Token);
                Assert.True(n > 0, "the POP3 server closed the connection");
                _buffer.AddRange(chunk.AsSpan(0, n));
            }
        }
    }
}
