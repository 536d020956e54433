using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace EdgeMail.Testing.Hostile;

/// <summary>
/// The STARTTLS command injection (CVE-2011-0411): a client sends STARTTLS and a command in one packet, hoping the
/// server answers the plaintext command after the handshake as if it came over TLS (a man in the middle's command
/// in the user's TLS session). The probe sends the two together, reads the go-ahead, tries the handshake, and over
/// TLS sends a fresh command whose answer can be told from the injected one's.
/// </summary>
public static class StartTlsProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>The fresh command sent over TLS, per protocol (the injected one is NOOP, or USER for POP3).</summary>
    public static string FreshCommand(MailProtocol protocol) => protocol switch
    {
        MailProtocol.Imap => "fresh NOOP",
        MailProtocol.Pop3 => "CAPA",
        _ => "EHLO fresh.example",
    };

    /// <summary>Whether <paramref name="line"/> is the first line of the answer to <see cref="FreshCommand"/>.</summary>
    public static bool AnswersFreshCommand(MailProtocol protocol, string line) => protocol switch
    {
        MailProtocol.Imap => line.StartsWith("fresh OK", StringComparison.Ordinal),
        MailProtocol.Pop3 => line.StartsWith("+OK", StringComparison.Ordinal) && line.Contains("apabilit", StringComparison.OrdinalIgnoreCase),
        _ => line.StartsWith("250", StringComparison.Ordinal) && line.Contains("fresh.example", StringComparison.Ordinal),
    };

    /// <summary>Runs the probe; with <paramref name="inject"/> false it is the control (STARTTLS alone).</summary>
    public static async Task<StartTlsOutcome> RunAsync(MailProtocol protocol, string from, int port, bool inject = true, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var token = timeout.Token;
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Bind(new IPEndPoint(IPAddress.Parse(from), 0));
        await socket.ConnectAsync(IPAddress.Loopback, port, token).ConfigureAwait(false);
        await using var network = new NetworkStream(socket, ownsSocket: false);
        var plain = new LineStream(network);
        await plain.ReadReplyAsync(protocol, token).ConfigureAwait(false);
        if (protocol == MailProtocol.Smtp)
        {
            await plain.WriteAsync("EHLO probe.example\r\n", token).ConfigureAwait(false);
            await plain.ReadReplyAsync(protocol, token).ConfigureAwait(false);
        }

        var (startTls, injected) = protocol switch
        {
            MailProtocol.Imap => ("tls STARTTLS\r\n", "injected NOOP\r\n"),
            MailProtocol.Pop3 => ("STLS\r\n", "USER mallory@edgemail.local\r\n"),
            _ => ("STARTTLS\r\n", "NOOP\r\n"),
        };

        // One write, so that both lines reach the server in one segment (NoDelay; loopback does not split 30 bytes).
        await plain.WriteAsync(inject ? startTls + injected : startTls, token).ConfigureAwait(false);
        var goAhead = await plain.ReadLineAsync(token).ConfigureAwait(false);
        var after = new List<string>();
        if (goAhead is null)
        {
            return new StartTlsOutcome(null, false, null, after);
        }

        await using var tls = new SslStream(network, leaveInnerStreamOpen: true, (_, _, _, _) => true);
        try
        {
            // Whatever the server sent in plaintext after the go-ahead would be read by the handshake as a record and
            // fail it; so look first, briefly, for plaintext lines (or the close) before starting TLS.
            after.AddRange(await plain.DrainLinesAsync(TimeSpan.FromMilliseconds(300), token).ConfigureAwait(false));
            if (plain.Closed)
            {
                return new StartTlsOutcome(goAhead, false, null, after);
            }

            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "edgemail.local" }, token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException or SocketException)
        {
            return new StartTlsOutcome(goAhead, false, null, after);
        }

        var secure = new LineStream(tls);
        await secure.WriteAsync(FreshCommand(protocol) + "\r\n", token).ConfigureAwait(false);
        return new StartTlsOutcome(goAhead, true, await secure.ReadLineAsync(token).ConfigureAwait(false), after);
    }

    // CRLF lines over a stream, reading one byte at a time so that nothing past a line is taken from the stream
    // (the TLS handshake must start exactly where the plaintext ends).
    private sealed class LineStream(Stream stream)
    {
        public bool Closed { get; private set; }

        public Task WriteAsync(string text, CancellationToken cancellationToken) =>
            stream.WriteAsync(Encoding.ASCII.GetBytes(text), cancellationToken).AsTask();

        public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
        {
            var line = new StringBuilder();
            var one = new byte[1];
            while (true)
            {
                int n;
                try
                {
                    n = await stream.ReadAsync(one, cancellationToken).ConfigureAwait(false);
                }
                catch (IOException)
                {
                    n = 0;
                }

                if (n == 0)
                {
                    Closed = true;
                    return line.Length == 0 ? null : line.ToString();
                }

                if (one[0] == '\n')
                {
                    return line.ToString().TrimEnd('\r');
                }

                line.Append((char)one[0]);
            }
        }

        // A greeting or an SMTP multi-line reply, up to its last line.
        public async Task ReadReplyAsync(MailProtocol protocol, CancellationToken cancellationToken)
        {
            while (true)
            {
                var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false) ?? throw new IOException("closed before the reply");
                if (protocol != MailProtocol.Smtp || line.Length < 4 || line[3] != '-')
                {
                    return;
                }
            }
        }

        // Lines that arrive within `quiet` (or until the close); none is the usual answer.
        public async Task<List<string>> DrainLinesAsync(TimeSpan quiet, CancellationToken cancellationToken)
        {
            var lines = new List<string>();
            while (true)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                wait.CancelAfter(quiet);
                var one = new byte[1];
                int n;
                try
                {
                    // A zero-byte peek would be nicer; a one-byte read that times out leaves the stream unread.
                    n = await stream.ReadAsync(one, wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return lines;
                }
                catch (IOException)
                {
                    n = 0;
                }

                if (n == 0)
                {
                    Closed = true;
                    return lines;
                }

                lines.Add((char)one[0] + (await ReadLineAsync(cancellationToken).ConfigureAwait(false) ?? string.Empty));
                if (Closed)
                {
                    return lines;
                }
            }
        }
    }
}
