using System.Buffers;
using System.Text;
using EdgeMail.Auth.Login;
using EdgeMail.Net;
using EdgeMail.Smtp.Inbound;
using EdgeMail.Smtp.Protocol;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Smtp.Session;

/// <summary>
/// One SMTP conversation (RFC 5321 §3, §4). The loop reads a capped command line, looks the verb up in
/// <see cref="CommandTable"/>, checks the state, runs the handler and flushes once. Handlers throw
/// <see cref="ProtocolException"/> for a refusal; only this loop writes it.
/// Invariants: a reply to the end of DATA/BDAT is written only after the store's delivery returned (the message is
/// on stable storage); nothing of a refused or interrupted message is kept (the spool file is unlinked).
/// </summary>
internal sealed partial class SmtpSession
{
    private readonly MailConnection _connection;
    private readonly SmtpOptions _options;
    private readonly RelayPolicy _policy;
    private readonly MailIntake _intake;
    private readonly Authenticator _authenticator;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _hostName;
    private readonly string _spoolFolder;
    private readonly bool _requireAuth;
    private readonly List<RecipientTarget> _recipients = [];
    private SmtpState _state = SmtpState.Connected;
    private string? _helo;
    private bool _extended;
    private long? _accountId;
    private string? _accountAddress;
    private MailCommand? _mail;
    private MessageSpool? _chunks;
    private int _badCommands;
    private int _messages;
    private bool _quit;

    public SmtpSession(MailConnection connection, SmtpOptions options, RelayPolicy policy, MailIntake intake, Authenticator authenticator, TimeProvider time, ILogger logger, string hostName, string spoolFolder, bool requireAuth)
    {
        _connection = connection;
        _options = options;
        _policy = policy;
        _intake = intake;
        _authenticator = authenticator;
        _time = time;
        _logger = logger;
        _hostName = hostName;
        _spoolFolder = spoolFolder;
        _requireAuth = requireAuth;
    }

    private ClientTrust Trust => new(_connection.RemoteEndPoint.Address, _accountId, _accountAddress);

    public async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            // RFC 5321 §4.3.1: the greeting; "ESMTP" tells the client extensions are known.
            Write(new SmtpReply(220, "", $"{_hostName} ESMTP EdgeMail ready"));
            await FlushAsync(stopping).ConfigureAwait(false);
            while (!_quit)
            {
                LineReadResult line;
                try
                {
                    line = await _connection.Lines.ReadLineAsync(_options.MaxCommandLineBytes, _options.CommandTimeout, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    await SayGoodbyeAsync(SmtpReplies.ShuttingDown).ConfigureAwait(false);
                    return;
                }

                switch (line.Status)
                {
                    case LineReadStatus.Closed:
                        return;
                    case LineReadStatus.TimedOut:
                        await SayGoodbyeAsync(SmtpReplies.Timeout).ConfigureAwait(false);
                        return;
                    case LineReadStatus.TooLong:
                        Write(SmtpReplies.LineTooLong);
                        _badCommands++;
                        break;
                    default:
                        await DispatchAsync(line.Line, stopping).ConfigureAwait(false);
                        break;
                }

                if (_badCommands >= _options.MaxBadCommands)
                {
                    await SayGoodbyeAsync(SmtpReplies.TooManyErrors).ConfigureAwait(false);
                    return;
                }

                await FlushAsync(stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            await SayGoodbyeAsync(SmtpReplies.ShuttingDown).ConfigureAwait(false);
        }
        catch (StartTlsInjectionException)
        {
            Log.StartTlsInjection(_logger, _connection.Id);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or InvalidOperationException)
        {
            Log.Closed(_logger, _connection.Id, ex.Message);
        }
        finally
        {
            await DiscardChunksAsync().ConfigureAwait(false);
        }
    }

    private async Task DispatchAsync(ReadOnlyMemory<byte> line, CancellationToken stopping)
    {
        var verb = ReadVerb(line, out var argumentsStart);
        var command = verb is null ? null : CommandTable.Find(verb);
        try
        {
            if (command is null)
            {
                throw new ProtocolException(SmtpReplies.UnknownCommand);
            }

            if ((command.AllowedIn & _state) == 0)
            {
                // RFC 5321 §4.1.4: a transaction needs EHLO/HELO first; §3.3 and RFC 3030 §2: commands in order.
                throw new ProtocolException(SmtpReplies.BadSequence);
            }

            await command.Handler(this, line[argumentsStart..], stopping).ConfigureAwait(false);
        }
        catch (ProtocolException ex)
        {
            Write(ex.Reply);
            if (ex.ClientFault)
            {
                _badCommands++;
                Log.ClientFault(_logger, ex.Reply.ToString());
            }
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or IOException or StartTlsInjectionException or System.Net.Sockets.SocketException or ObjectDisposedException))
        {
            Log.CommandFailed(_logger, verb ?? "?", _connection.Id, ex);
            Write(SmtpReplies.LocalError);
        }
    }

    private static string? ReadVerb(ReadOnlyMemory<byte> line, out int argumentsStart)
    {
        var reader = new SmtpCommandReader(line);
        argumentsStart = 0;
        if (!reader.TryReadVerb(out var verb))
        {
            return null;
        }

        argumentsStart = verb.Length;
        return verb;
    }

    private void ResetTransaction()
    {
        _mail = null;
        _recipients.Clear();
        if (_state is SmtpState.Mail or SmtpState.Rcpt or SmtpState.Chunking)
        {
            _state = SmtpState.Ready;
        }
    }

    private async Task DiscardChunksAsync()
    {
        if (_chunks is not null)
        {
            await _chunks.DisposeAsync().ConfigureAwait(false);
            _chunks = null;
        }
    }

    private async Task SayGoodbyeAsync(SmtpReply reply)
    {
        _quit = true;
        try
        {
            Write(reply);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), _time);
            await _connection.Output.FlushAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException or ObjectDisposedException)
        {
        }
    }

    private void Write(SmtpReply reply)
    {
        // RFC 2034 §4: with ENHANCEDSTATUSCODES every reply but the greeting and 354 carries the enhanced code.
        var text = reply.Enhanced.Length == 0 ? $"{reply.Code} {reply.Text}\r\n" : $"{reply.Code} {reply.Enhanced} {reply.Text}\r\n";
        _connection.Output.Write(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>A multi-line reply (RFC 5321 §4.2.1): "250-" on every line but the last.</summary>
    private void WriteLines(int code, IReadOnlyList<string> lines)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < lines.Count; i++)
        {
            builder.Append(code).Append(i == lines.Count - 1 ? ' ' : '-').Append(lines[i]).Append("\r\n");
        }

        _connection.Output.Write(Encoding.UTF8.GetBytes(builder.ToString()));
    }

    private async Task FlushAsync(CancellationToken cancellationToken) =>
        await _connection.Output.FlushAsync(cancellationToken).ConfigureAwait(false);

    private static string ArgumentText(ReadOnlyMemory<byte> arguments) => Encoding.UTF8.GetString(arguments.Span).Trim();
}
