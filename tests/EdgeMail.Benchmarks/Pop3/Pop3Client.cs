using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EdgeMail.Benchmarks.Pop3;

/// <summary>
/// A raw-socket POP3 client that does as little as it can, so that the server's cost dominates: it sends
/// RETR lines (pipelined, RFC 2449 §6.6, or one at a time) and finds the end of each multi-line response
/// (RFC 1939 §3: CRLF "." CRLF) with a vectorized search, without copying or un-stuffing the body unless asked.
/// </summary>
internal sealed class Pop3Client : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[256 * 1024];
    private int _start;
    private int _end;

    private Pop3Client(Socket socket) => _socket = socket;

    /// <summary>Octets read from the socket, responses and terminators included.</summary>
    public long ReceivedBytes { get; private set; }

    public static Pop3Client Connect(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
        {
            NoDelay = true,
            ReceiveTimeout = (int)Timeout.TotalMilliseconds,
            SendTimeout = (int)Timeout.TotalMilliseconds,
        };
        socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
        var client = new Pop3Client(socket);
        client.ExpectOk("greeting");
        return client;
    }

    /// <summary>USER and PASS (RFC 1939 §7), which both servers allow on loopback.</summary>
    public void Login(string user, string password)
    {
        Command("USER " + user);
        Command("PASS " + password);
    }

    /// <summary>LIST (RFC 1939 §5): the size of every message, by message number.</summary>
    public List<long> List()
    {
        Send("LIST\r\n"u8);
        ExpectOk("LIST");
        var sizes = new List<long>();
        while (true)
        {
            var line = ReadLine();
            if (line == ".")
            {
                return sizes;
            }

            var parts = line.Split(' ');
            sizes.Add(long.Parse(parts[1], CultureInfo.InvariantCulture));
        }
    }

    public string Command(string line)
    {
        Send(Encoding.ASCII.GetBytes(line + "\r\n"));
        return ExpectOk(line.StartsWith("PASS ", StringComparison.Ordinal) ? "PASS" : line);
    }

    /// <summary>
    /// RETR of messages first..last, with at most <paramref name="window"/> commands in flight (1 is one
    /// request at a time). Returns the octets of the bodies as sent, byte-stuffing included; each body is
    /// passed to <paramref name="body"/> when one is given.
    /// </summary>
    public long Retrieve(int first, int last, int window, Action<int, byte[]>? body = null)
    {
        var next = first;
        var received = first;
        long octets = 0;
        var commands = new StringBuilder();
        var collected = body is null ? null : new MemoryStream(Pop3Mailbox.MessageBytes + 64);
        while (received <= last)
        {
            // Keep the window full: send a batch when half of it has been answered.
            if (next <= last && next - received <= window / 2)
            {
                commands.Clear();
                while (next <= last && next - received < window)
                {
                    commands.Append(CultureInfo.InvariantCulture, $"RETR {next++}\r\n");
                }

                Send(Encoding.ASCII.GetBytes(commands.ToString()));
            }

            ExpectOk("RETR " + received);
            collected?.SetLength(0);
            octets += ReadMultiline(collected);
            if (collected is not null)
            {
                body!(received, collected.ToArray());
            }

            received++;
        }

        return octets;
    }

    public void Quit()
    {
        Command("QUIT");
    }

    public void Dispose() => _socket.Dispose();

    private void Send(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            bytes = bytes[_socket.Send(bytes)..];
        }
    }

    private string ExpectOk(string what)
    {
        var line = ReadLine();
        return line.StartsWith("+OK", StringComparison.Ordinal)
            ? line
            : throw new InvalidOperationException($"POP3 {what}: expected +OK, got \"{line}\"");
    }

    private string ReadLine()
    {
        while (true)
        {
            var at = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
            if (at >= 0)
            {
                var line = Encoding.ASCII.GetString(_buffer, _start, at);
                _start += at + 2;
                return line;
            }

            Fill();
        }
    }

    /// <summary>
    /// Reads a multi-line body up to its terminating line. The body starts at the beginning of a line, so
    /// the terminator is "." CRLF there or CRLF "." CRLF later; the last 4 octets of a buffer that has no
    /// terminator are kept until more arrive, so a terminator split between two reads is still found.
    /// </summary>
    private long ReadMultiline(Stream? copy)
    {
        while (_end - _start < 3)
        {
            Fill();
        }

        if (_buffer.AsSpan(_start, 3).SequenceEqual(".\r\n"u8))
        {
            _start += 3;
            return 0;
        }

        long octets = 0;
        while (true)
        {
            var span = _buffer.AsSpan(_start, _end - _start);
            var at = span.IndexOf("\r\n.\r\n"u8);
            if (at >= 0)
            {
                copy?.Write(span[..(at + 2)]);
                _start += at + 5;
                return octets + at + 2;
            }

            var take = Math.Max(0, span.Length - 4);
            copy?.Write(span[..take]);
            octets += take;
            _start += take;
            Fill();
        }
    }

    private void Fill()
    {
        if (_start > 0 && _start == _end)
        {
            _start = _end = 0;
        }
        else if (_end > _buffer.Length / 2)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        var read = _socket.Receive(_buffer, _end, _buffer.Length - _end, SocketFlags.None);
        if (read == 0)
        {
            throw new InvalidOperationException("POP3: the server closed the connection");
        }

        _end += read;
        ReceivedBytes += read;
    }
}
