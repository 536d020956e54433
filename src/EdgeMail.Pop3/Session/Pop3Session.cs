using System.Buffers;
using EdgeMail.Auth.Login;
using EdgeMail.Net;
using EdgeMail.Pop3.Protocol;
using EdgeMail.Store;
using EdgeMail.Store.Accounts;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Pop3.Session;

/// <summary>
/// One POP3 session (RFC 1939 §3): the command loop, the state, and what the commands share.
/// Invariants:
/// - Commands run one at a time, in the order they arrived (RFC 2449 §6.6 PIPELINING); each ends with one flush.
/// - Nothing in the store changes before QUIT in the TRANSACTION state (RFC 1939 §6); a dropped connection,
///   an idle timeout or a shutdown removes nothing.
/// - The maildrop lock is held from the successful login to the end of the session, and always released.
/// </summary>
internal sealed class Pop3Session
{
    private int _badCommands;

    public Pop3Session(MailConnection connection, MailStore store, Pop3Maildrops maildrops, Authenticator authenticator, Pop3Options options, TimeProvider time, ILogger logger)
    {
        Connection = connection;
        Store = store;
        Maildrops = maildrops;
        Authenticator = authenticator;
        Options = options;
        Time = time;
        Logger = logger;
    }

    public MailConnection Connection { get; }

    /// <summary>The current output; a new object after STLS.</summary>
    public IBufferWriter<byte> Output => Connection.Output;

    public MailStore Store { get; }

    public Pop3Maildrops Maildrops { get; }

    public Authenticator Authenticator { get; }

    public Pop3Options Options { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    public Pop3State State { get; private set; } = Pop3State.Authorization;

    /// <summary>This connection's login attempts, for the throttle (set before the greeting).</summary>
    public LoginAttempts Logins { get; private set; } = null!;

    /// <summary>The name from USER, waiting for PASS.</summary>
    public string? PendingUser { get; set; }

    /// <summary>RFC 6856 §2: the client sent UTF8.</summary>
    public bool Utf8 { get; set; }

    public Account? Account { get; private set; }

    public Maildrop? Maildrop { get; private set; }

    /// <summary>The session ends after the current command (QUIT, a failed STLS).</summary>
    public bool Closing { get; set; }

    /// <summary>RFC 2595 §2, RFC 8314 §3: plaintext passwords only over TLS, or from this machine.</summary>
    public bool AllowsPlaintext => Connection.IsSecure || Connection.IsLoopback;

    private IDisposable? Lease { get; set; }

    public void Reply(Pop3Reply reply) => Pop3ResponseWriter.WriteStatus(Output, reply);

    /// <summary>Enters TRANSACTION with the maildrop locked (RFC 1939 §4).</summary>
    public void EnterTransaction(Account account, Maildrop maildrop, IDisposable lease)
    {
        Account = account;
        Maildrop = maildrop;
        Lease = lease;
        PendingUser = null;
        State = Pop3State.Transaction;
        // The login phase is over: only Pop3:IdleTimeout applies from now on.
        Connection.Lines.ClearDeadline();
    }

    /// <summary>
    /// RFC 1939 §6: after UPDATE the lock is released; done before the QUIT reply, so that a client that reconnects
    /// at once finds the maildrop free.
    /// </summary>
    public void ReleaseMaildrop()
    {
        Lease?.Dispose();
        Lease = null;
    }

    // Shutdown, or the revocation of the app password this session logged in with.
    private SessionLifetime _lifetime = null!;

    /// <summary>From this login on, revoking its app password ends the session.</summary>
    public void WatchRevocation(LoginResult login) => _lifetime.Watch(login);

    // RFC 1939 §3: the server may end the session with -ERR; without QUIT there is no UPDATE, so nothing is removed.
    private Pop3Reply EndingReply => _lifetime.Revoked ? Pop3Replies.AppPasswordRevoked : Pop3Replies.ShuttingDown;

    public async Task RunAsync(CancellationToken shutdown)
    {
        using var lifetime = new SessionLifetime(shutdown);
        _lifetime = lifetime;
        var stopping = lifetime.Token;
        try
        {
            // An address whose connections were closed for failed logins waits here, before anything is read.
            Logins = await Authenticator.AcceptAsync(Connection.RemoteEndPoint.Address, "POP3", stopping).ConfigureAwait(false);
            // Before login the whole phase has one deadline, which dribbled bytes cannot extend.
            Connection.Lines.SetDeadline(Options.LoginDeadline);
            Reply(Pop3Replies.Greeting);
            await Connection.Output.FlushAsync(stopping).ConfigureAwait(false);
            await LoopAsync(stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutdown while waiting for the client: RFC 1939 §3 sends a goodbye, nothing is removed.
            await SayGoodbyeAsync(EndingReply).ConfigureAwait(false);
        }
        finally
        {
            ReleaseMaildrop();
        }
    }

    /// <summary>Reads the next line of a multi-line exchange (SASL responses) with the session's limits.</summary>
    public ValueTask<LineReadResult> ReadLineAsync(CancellationToken cancellationToken) =>
        Connection.Lines.ReadLineAsync(Options.MaxLineBytes, Options.IdleTimeout, cancellationToken);

    private async Task LoopAsync(CancellationToken stopping)
    {
        while (true)
        {
            var line = await ReadLineAsync(stopping).ConfigureAwait(false);
            switch (line.Status)
            {
                case LineReadStatus.Closed:
                    if (State == Pop3State.Transaction)
                    {
                        Log.Dropped(Logger);
                    }

                    return;
                case LineReadStatus.TimedOut when LoginDeadlinePassed:
                    await SayGoodbyeAsync(EndForLoginDeadline()).ConfigureAwait(false);
                    return;
                case LineReadStatus.TimedOut:
                    // RFC 1939 §3: on autologout the server closes without UPDATE and without a response.
                    Log.IdleTimeout(Logger, Options.IdleTimeout);
                    return;
                case LineReadStatus.TooLong:
                    Reply(Pop3Replies.LineTooLong);
                    _badCommands++;
                    break;
                default:
                    // The command finishes even when shutdown begins meanwhile (CONVENTIONS §2.11).
                    await ExecuteAsync(line.Line, stopping).ConfigureAwait(false);
                    break;
            }

            if (_badCommands >= Options.MaxBadCommands)
            {
                Log.TooManyBadCommands(Logger, _badCommands);
                await SayGoodbyeAsync(Pop3Replies.TooManyBadCommands).ConfigureAwait(false);
                return;
            }

            if (Closing)
            {
                await FlushQuietlyAsync().ConfigureAwait(false);
                return;
            }

            // RFC 2449 §6.6 PIPELINING: answers to commands already received go out together.
            if (!Connection.Lines.HasBufferedLine())
            {
                await Connection.Output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }

            if (stopping.IsCancellationRequested)
            {
                await SayGoodbyeAsync(EndingReply).ConfigureAwait(false);
                return;
            }
        }
    }

    /// <summary>A read timed out because Pop3:LoginDeadline passed before a login.</summary>
    public bool LoginDeadlinePassed => State == Pop3State.Authorization && Connection.Lines.DeadlinePassed;

    /// <summary>Logs the end of the login phase and returns the -ERR to close with; the session ends after it.</summary>
    public Pop3Reply EndForLoginDeadline()
    {
        Log.LoginDeadlinePassed(Logger, Options.LoginDeadline);
        Closing = true;
        return Pop3Replies.LoginDeadline;
    }

    private async Task ExecuteAsync(ReadOnlyMemory<byte> line, CancellationToken stopping)
    {
        string keyword = "?";
        try
        {
            var (entry, command) = Parse(line.Span, State, out keyword);
            var reply = await entry.Run(this, command, stopping).ConfigureAwait(false);
            if (!ReferenceEquals(reply, Pop3Reply.Answered))
            {
                Reply(reply);
            }
        }
        catch (ProtocolException ex)
        {
            Reply(ex.Reply);
            if (ex.ClientFault)
            {
                _badCommands++;
                Log.ClientError(Logger, keyword, ex.Reply.Text);
            }
        }
        catch (Exception ex) when (!IsTransportFailure(ex))
        {
            Log.CommandFailed(Logger, keyword, ex);
            Reply(Pop3Replies.ServerError);
        }
    }

    // Synchronous, because the reader is a ref struct over the line.
    private static (CommandTable.Entry Entry, Pop3Command Command) Parse(ReadOnlySpan<byte> line, Pop3State state, out string keyword)
    {
        var reader = new Pop3Reader(line);
        if (!Pop3Parser.TryReadKeyword(ref reader, out keyword) || CommandTable.Find(keyword) is not { } entry)
        {
            keyword = "?";
            throw new ProtocolException(Pop3Replies.UnknownCommand, clientFault: true);
        }

        if ((entry.States & state) == 0)
        {
            throw new ProtocolException(Pop3Replies.WrongState, clientFault: true);
        }

        var command = entry.Parse(ref reader, keyword) ?? throw new ProtocolException(Pop3Replies.SyntaxError, clientFault: true);
        return (entry, command);
    }

    // The client left, or the session is being cancelled: nothing to answer, the session ends.
    private static bool IsTransportFailure(Exception ex) =>
        ex is IOException or System.Net.Sockets.SocketException or OperationCanceledException or ObjectDisposedException;

    private async Task SayGoodbyeAsync(Pop3Reply reply)
    {
        Reply(reply);
        await FlushQuietlyAsync().ConfigureAwait(false);
    }

    private async Task FlushQuietlyAsync()
    {
        try
        {
            await Connection.Output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTransportFailure(ex) || ex is InvalidOperationException)
        {
            // The client is gone, or a failed TLS handshake left no usable pipe: there is no one to tell.
        }
    }
}
