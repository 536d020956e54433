using System.Net.Sockets;
using System.Text;

namespace EdgeMail.Testing.Imap;

/// <summary>
/// A raw IMAP client for tests on 127.0.0.1 that parses every response strictly (<see cref="ImapResponseParser"/>)
/// and, when switched on, checks the session rules of <see cref="ImapSessionInvariants"/>. Reads time out
/// (15 s by default) so a test never hangs.
/// </summary>
public sealed class StrictImapClient : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly ImapResponseReader _reader;

    private StrictImapClient(TcpClient client, TimeSpan readTimeout)
    {
        _client = client;
        _stream = client.GetStream();
        _reader = new ImapResponseReader(_stream) { ReadTimeout = readTimeout };
    }

    /// <summary>The untagged greeting (OK, PREAUTH or BYE).</summary>
    public ImapResponse Greeting { get; private set; } = null!;

    public ImapSessionInvariants Invariants { get; } = new();

    /// <summary>Shortcut for <see cref="ImapSessionInvariants.CheckModSeqNeverDecreases"/>.</summary>
    public bool CheckModSeqNeverDecreases { get => Invariants.CheckModSeqNeverDecreases; set => Invariants.CheckModSeqNeverDecreases = value; }

    /// <summary>Shortcut for <see cref="ImapSessionInvariants.CheckKeywordsAnnounced"/>.</summary>
    public bool CheckKeywordsAnnounced { get => Invariants.CheckKeywordsAnnounced; set => Invariants.CheckKeywordsAnnounced = value; }

    /// <summary>How many responses have been read and parsed.</summary>
    public long ResponseCount { get; private set; }

    public TimeSpan ReadTimeout { get => _reader.ReadTimeout; set => _reader.ReadTimeout = value; }

    /// <summary>Connects to 127.0.0.1:<paramref name="port"/> and reads the greeting.</summary>
    public static async Task<StrictImapClient> ConnectAsync(int port, TimeSpan? readTimeout = null, CancellationToken cancellationToken = default)
    {
        var tcp = new TcpClient();
        try
        {
            using (var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                connect.CancelAfter(readTimeout ?? TimeSpan.FromSeconds(15));
                await tcp.ConnectAsync(System.Net.IPAddress.Loopback, port, connect.Token).ConfigureAwait(false);
            }

            var client = new StrictImapClient(tcp, readTimeout ?? TimeSpan.FromSeconds(15));
            client.Greeting = await client.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (client.Greeting.Kind != ImapResponseKind.Untagged || client.Greeting.Name is not ("OK" or "PREAUTH" or "BYE"))
            {
                throw new InvalidDataException("the greeting is not an untagged OK, PREAUTH or BYE (RFC 9051 §9 greeting): " + client.Greeting);
            }

            return client;
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>LOGIN with quoted user name and password; throws unless the server answers OK.</summary>
    public async Task<ImapCommandResult> LoginAsync(string user, string password, CancellationToken cancellationToken = default) =>
        (await CommandAsync("L0", $"LOGIN {Quote(user)} {Quote(password)}", cancellationToken).ConfigureAwait(false)).EnsureOk();

    /// <summary>Sends one line; CRLF is appended.</summary>
    public async Task SendAsync(string line, CancellationToken cancellationToken = default)
    {
        Invariants.CommandSent(line);
        await SendRawAsync(Encoding.UTF8.GetBytes(line + "\r\n"), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends these octets as they are.</summary>
    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        await _stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The next response, parsed and checked; throws at end of stream, on a syntax error or on timeout.</summary>
    public async Task<ImapResponse> ReadAsync(CancellationToken cancellationToken = default)
    {
        var response = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new IOException("the server closed the connection");
        ResponseCount++;
        Invariants.Observe(response);
        return response;
    }

    /// <summary>Sends "<paramref name="tag"/> <paramref name="command"/>" and returns every response up to the tagged one.</summary>
    public async Task<ImapCommandResult> CommandAsync(string tag, string command, CancellationToken cancellationToken = default)
    {
        await SendAsync(tag + " " + command, cancellationToken).ConfigureAwait(false);
        return await ReadUntilTaggedAsync(tag, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends "<paramref name="tag"/> <paramref name="prefix"/> {n}" and the literal, then <paramref name="suffix"/>
    /// and CRLF. A synchronizing literal waits for "+" first; if the server answers the tag instead, that is returned.
    /// </summary>
    public async Task<ImapCommandResult> CommandWithLiteralAsync(string tag, string prefix, ReadOnlyMemory<byte> literal, string suffix = "", ImapLiteralMode mode = ImapLiteralMode.Synchronizing, CancellationToken cancellationToken = default)
    {
        var header = mode switch
        {
            ImapLiteralMode.NonSynchronizing => $"{{{literal.Length}+}}",
            ImapLiteralMode.Literal8 => $"~{{{literal.Length}}}",
            _ => $"{{{literal.Length}}}",
        };
        var line = tag + " " + prefix + " " + header;
        Invariants.CommandSent(line);
        await SendRawAsync(Encoding.UTF8.GetBytes(line + "\r\n"), cancellationToken).ConfigureAwait(false);
        var responses = new List<ImapResponse>();
        if (mode != ImapLiteralMode.NonSynchronizing)
        {
            while (true)
            {
                var response = await ReadAsync(cancellationToken).ConfigureAwait(false);
                responses.Add(response);
                if (response.Kind == ImapResponseKind.Continuation)
                {
                    break;
                }

                if (response.Kind == ImapResponseKind.Tagged)
                {
                    CheckTag(tag, response);
                    return new ImapCommandResult(responses);
                }
            }
        }

        await SendRawAsync(literal, cancellationToken).ConfigureAwait(false);
        await SendRawAsync(Encoding.UTF8.GetBytes(suffix + "\r\n"), cancellationToken).ConfigureAwait(false);
        responses.AddRange((await ReadUntilTaggedAsync(tag, cancellationToken).ConfigureAwait(false)).Responses);
        return new ImapCommandResult(responses);
    }

    /// <summary>APPEND of <paramref name="message"/> to <paramref name="mailbox"/> (an astring as written), with optional flag list "(\Seen)".</summary>
    public Task<ImapCommandResult> AppendAsync(string tag, string mailbox, ReadOnlyMemory<byte> message, string? flags = null, ImapLiteralMode mode = ImapLiteralMode.Synchronizing, CancellationToken cancellationToken = default) =>
        CommandWithLiteralAsync(tag, "APPEND " + mailbox + (flags is null ? string.Empty : " " + flags), message, string.Empty, mode, cancellationToken);

    /// <summary>Reads responses until the one tagged <paramref name="tag"/>; another tag or a "+" is an error.</summary>
    public async Task<ImapCommandResult> ReadUntilTaggedAsync(string tag, CancellationToken cancellationToken = default)
    {
        var responses = new List<ImapResponse>();
        while (true)
        {
            var response = await ReadAsync(cancellationToken).ConfigureAwait(false);
            responses.Add(response);
            if (response.Kind == ImapResponseKind.Continuation)
            {
                throw new InvalidDataException($"unexpected continuation request while waiting for {tag}: {response}");
            }

            if (response.Kind == ImapResponseKind.Tagged)
            {
                CheckTag(tag, response);
                return new ImapCommandResult(responses);
            }
        }
    }

    private static void CheckTag(string tag, ImapResponse response)
    {
        if (response.Tag != tag)
        {
            throw new InvalidDataException($"tagged response for {response.Tag} while waiting for {tag}: {response}");
        }
    }

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync().ConfigureAwait(false);
        _client.Dispose();
    }
}
