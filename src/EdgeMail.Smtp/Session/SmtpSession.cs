using System.Buffers;
using System.Globalization;
using System.Text;
using EdgeMail.Auth.Login;
using EdgeMail.Delivery;
using EdgeMail.Net;
using EdgeMail.Smtp.Inbound;
using EdgeMail.Smtp.Protocol;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Smtp.Session;

/// <summary>
/// One SMTP conversation (RFC 5321 §3, §4). The loop reads a capped command line, looks the verb up in
/// <see cref="CommandTable"/>, checks the state, runs the handler, writes the reply it returns and flushes once.
/// Handlers (<c>Commands/</c>) write only intermediate lines (354, 334, EHLO's continuation lines) and throw
/// <see cref="ProtocolException"/> for a refusal; only this loop writes it.
/// Invariants: a reply to the end of DATA/BDAT is written only after the store's delivery returned (the message is
/// on stable storage); nothing of a refused or interrupted message is kept (the store's staging stream is disposed).
/// </summary>
internal sealed class SmtpSession
{
    private readonly List<RecipientTarget> _recipients = [];
    private int _badCommands;
    public SmtpSession(MailConnection connection, SmtpOptions options, RelayPolicy policy, MailIntake intake, Authenticator authenticator, TimeProvider time, ILogger logger, string hostName, bool requireAuth)
    {
        Connection = connection;
        Options = options;
        Policy = policy;
        Intake = intake;
        Authenticator = authenticator;
        Time = time;
        Logger = logger;
        HostName = hostName;
        RequireAuth = requireAuth;
    }

    public MailConnection Connection { get; }

    public SmtpOptions Options { get; }

    public RelayPolicy Policy { get; }

    public MailIntake Intake { get; }

    public Authenticator Authenticator { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    public string HostName { get; }

    /// <summary>Submission endpoints (RFC 6409 §4.3): AUTH before MAIL.</summary>
    public bool RequireAuth { get; }

    public SmtpState State { get; set; } = SmtpState.Connected;

    /// <summary>The EHLO/HELO name, null before it and again after STARTTLS (RFC 3207 §4.2).</summary>
    public string? Helo { get; set; }

    public bool Extended { get; set; }

    public long? AccountId { get; set; }

    public string? AccountAddress { get; set; }

    /// <summary>The open transaction's MAIL FROM, null outside one.</summary>
    public MailCommand? Mail { get; set; }

    /// <summary>The accepted recipients of the open transaction.</summary>
    public List<RecipientTarget> Recipients => _recipients;

    /// <summary>The BDAT chunks received so far (RFC 3030 §2), null outside a chunked transaction.</summary>
    public IncomingMessage? Chunks { get; set; }

    /// <summary>Messages accepted in this session, for the Received header's id.</summary>
    public int Messages { get; set; }

    /// <summary>Set when the session must end after this command (QUIT, a timeout, the client gone).</summary>
    public bool Quit { get; set; }

    /// <summary>This connection's login attempts, for the throttle (set before the greeting).</summary>
    public LoginAttempts Logins { get; private set; } = null!;

    public ClientTrust Trust => new(Connection.RemoteEndPoint.Address, AccountId, AccountAddress);

    // Shutdown, or the revocation of the app password this session logged in with.
    private SessionLifetime _lifetime = null!;

    /// <summary>From this login on, revoking its app password ends the session (421, RFC 5321 §3.8).</summary>
    public void WatchRevocation(LoginResult login) => _lifetime.Watch(login);

    private SmtpReply EndingReply => _lifetime.Revoked ? SmtpReplies.AppPasswordRevoked : SmtpReplies.ShuttingDown;

    public async Task RunAsync(CancellationToken shutdown)
    {
        using var lifetime = new SessionLifetime(shutdown);
        _lifetime = lifetime;
        var stopping = lifetime.Token;
        try
        {
            // An address whose connections were closed for failed logins waits here, before anything is read.
            Logins = await Authenticator.AcceptAsync(Connection.RemoteEndPoint.Address, "SMTP", stopping).ConfigureAwait(false);

            // One deadline over the whole phase, which dribbled bytes cannot extend: on submission until AUTH, on
            // intake the whole session. A successful AUTH on submission clears it (Commands/Sasl.cs).
            Connection.Lines.SetDeadline(PhaseDeadline);

            // RFC 5321 §4.3.1: the greeting; "ESMTP" tells the client extensions are known.
            Write(new SmtpReply(220, "", $"{HostName} ESMTP EdgeMail ready"));
            await FlushAsync(stopping).ConfigureAwait(false);
            while (!Quit)
            {
                LineReadResult line;
                try
                {
                    line = await Connection.Lines.ReadLineAsync(Options.MaxCommandLineBytes, Options.CommandTimeout, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    await SayGoodbyeAsync(EndingReply).ConfigureAwait(false);
                    return;
                }

                switch (line.Status)
                {
                    case LineReadStatus.Closed:
                        return;
                    case LineReadStatus.TimedOut:
                        await SayTimeoutAsync().ConfigureAwait(false);
                        return;
                    case LineReadStatus.TooLong:
                        Write(SmtpReplies.LineTooLong);
                        _badCommands++;
                        break;
                    default:
                        await DispatchAsync(line.Line, stopping).ConfigureAwait(false);
                        break;
                }

                if (_badCommands >= Options.MaxBadCommands)
                {
                    await SayGoodbyeAsync(SmtpReplies.TooManyErrors).ConfigureAwait(false);
                    return;
                }

                await FlushAsync(stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            await SayGoodbyeAsync(EndingReply).ConfigureAwait(false);
        }
        catch (StartTlsInjectionException)
        {
            Log.StartTlsInjection(Logger, Connection.Id);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or InvalidOperationException)
        {
            Log.Closed(Logger, Connection.Id, ex.Message);
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

            if ((command.States & State) == 0)
            {
                // RFC 5321 §4.1.4: a transaction needs EHLO/HELO first; §3.3 and RFC 3030 §2: commands in order.
                throw new ProtocolException(SmtpReplies.BadSequence);
            }

            var reply = await command.Handler(this, line[argumentsStart..], stopping).ConfigureAwait(false);
            if (reply != SmtpReply.None)
            {
                Write(reply);
            }
        }
        catch (ProtocolException ex)
        {
            Write(ex.Reply);
            if (ex.ClientFault)
            {
                _badCommands++;
                Log.ClientFault(Logger, ex.Reply.ToString());
            }
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or IOException or StartTlsInjectionException or System.Net.Sockets.SocketException or ObjectDisposedException))
        {
            Log.CommandFailed(Logger, verb ?? "?", Connection.Id, ex);
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

    public void ResetTransaction()
    {
        Mail = null;
        _recipients.Clear();
        if (State is SmtpState.Mail or SmtpState.Rcpt or SmtpState.Chunking)
        {
            State = SmtpState.Ready;
        }
    }

    public async Task DiscardChunksAsync()
    {
        if (Chunks is not null)
        {
            await Chunks.DisposeAsync().ConfigureAwait(false);
            Chunks = null;
        }
    }

    // Submission (RFC 6409) waits for AUTH; intake has a cap on the whole session.
    private TimeSpan PhaseDeadline => RequireAuth ? Options.AuthDeadline : Options.SessionDeadline;

    /// <summary>
    /// A read timed out: 421 4.4.2 (RFC 5321 §4.5.3.2) and the end of the session; in Postfix's words, and logged,
    /// when it was the phase deadline rather than a command or data block timeout.
    /// </summary>
    public Task SayTimeoutAsync()
    {
        if (!Connection.Lines.DeadlinePassed)
        {
            return SayGoodbyeAsync(SmtpReplies.Timeout);
        }

        Log.DeadlinePassed(Logger, Connection.Id, RequireAuth ? "Smtp:AuthDeadline" : "Smtp:SessionDeadline", PhaseDeadline);
        return SayGoodbyeAsync(SmtpReplies.DeadlineExceeded(HostName));
    }

    /// <summary>Writes a closing reply, flushes it within 5 s, and ends the session.</summary>
    public async Task SayGoodbyeAsync(SmtpReply reply)
    {
        Quit = true;
        try
        {
            Write(reply);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), Time);
            await Connection.Output.FlushAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Writes one reply line; handlers use it only for intermediate replies (354, 334).</summary>
    public void Write(SmtpReply reply)
    {
        // RFC 2034 §4: with ENHANCEDSTATUSCODES every reply but the greeting and 354 carries the enhanced code.
        var text = reply.Enhanced.Length == 0 ? $"{reply.Code} {reply.Text}\r\n" : $"{reply.Code} {reply.Enhanced} {reply.Text}\r\n";
        Connection.Output.Write(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>A line of a multi-line reply (RFC 5321 §4.2.1): "250-" on every line but the last, which the handler returns.</summary>
    public void WriteContinuation(int code, string text) =>
        Connection.Output.Write(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{code}-{text}\r\n")));

    public async Task FlushAsync(CancellationToken cancellationToken) =>
        await Connection.Output.FlushAsync(cancellationToken).ConfigureAwait(false);

    public static string ArgumentText(ReadOnlyMemory<byte> arguments) => Encoding.UTF8.GetString(arguments.Span).Trim();
}
