using System.Globalization;
using System.Text;
using EdgeMail.Auth.Login;
using EdgeMail.Imap.Protocol;
using EdgeMail.Net;
using EdgeMail.Store;
using EdgeMail.Store.Accounts;
using EdgeMail.Store.Changes;
using EdgeMail.Store.Messages;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Imap.Session;

/// <summary>
/// One IMAP connection (RFC 9051, RFC 3501).
/// Invariants:
/// 1. Untagged EXISTS, EXPUNGE/VANISHED and FETCH for other sessions' changes are written only between a
///    command's work and its tagged reply, or during IDLE; never in the middle of a response.
/// 2. No EXPUNGE is sent while FETCH, STORE or SEARCH (the sequence-number forms) run (RFC 9051 §7.5.1); the
///    expunged message keeps its sequence number until its EXPUNGE is sent.
/// 3. The sequence-number map changes only as the client is told: EXISTS adds, EXPUNGE removes.
/// 4. Nothing is written to the socket while the store is being written: store calls complete first.
/// 5. One flush per command, except for large literals which flush as they stream.
/// 6. A response, once its first byte is written, is completed (RFC 9051 §7.5.2): a FETCH decides everything that
///    can fail before it starts, and a response that still cannot be completed ends the connection.
/// 7. A message's state never goes back: pending flag changes are coalesced to the newest, and none older than what
///    the session already reported is sent (RFC 7162 §3.1.4); see <see cref="PendingUpdates"/>.
/// 8. A keyword first seen is announced with FLAGS and PERMANENTFLAGS before a response uses it (RFC 9051 §7.3.5).
/// </summary>
internal sealed class ImapSession
{
    private readonly MailConnection _connection;
    private readonly CommandReader _reader;
    private int _badCommands;
    // The autologout timer of the handler's sessions in IDLE, and this session's wait while it idles.
    private readonly IdleDeadlines _idleDeadlines;
    private IdleWait? _idle;
    private string? _idleTag;
    private HashSet<string>? _enabled;

    public ImapSession(MailConnection connection, MailStore store, Authenticator authenticator, ImapOptions options, TimeProvider time, ILogger logger, UidMapCache uidCache, IdleDeadlines idleDeadlines)
    {
        _idleDeadlines = idleDeadlines;
        UidCache = uidCache;
        _connection = connection;
        Store = store;
        Authenticator = authenticator;
        Options = options;
        Time = time;
        Logger = logger;
        Writer = new ResponseWriter(connection.Output);
        _reader = new CommandReader(connection, options, store);
    }

    public MailConnection Connection => _connection;

    public MailStore Store { get; }

    /// <summary>The UIDs of mailboxes shared by every session (SELECT copies them).</summary>
    public UidMapCache UidCache { get; }

    public Authenticator Authenticator { get; }

    public ImapOptions Options { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    public ResponseWriter Writer { get; }

    public ImapState State { get; set; } = ImapState.NotAuthenticated;

    public Account? Account { get; private set; }

    public SelectedMailbox? Selected { get; private set; }

    /// <summary>ENABLE'd extensions (RFC 5161): IMAP4rev2, UTF8=ACCEPT, CONDSTORE, QRESYNC.</summary>
    public HashSet<string> Enabled => _enabled ??= new(StringComparer.OrdinalIgnoreCase);

    public bool IsRev2 => IsEnabled("IMAP4rev2");

    /// <summary>UTF-8 mailbox names and strings (IMAP4rev2 or UTF8=ACCEPT); else modified UTF-7 (RFC 3501 §5.1.3).</summary>
    public bool Utf8 => IsRev2 || IsEnabled("UTF8=ACCEPT");

    /// <summary>CONDSTORE is on once a client used it or enabled it (RFC 7162 §3.1): MODSEQ then goes into FETCH responses.</summary>
    public bool CondStore => IsEnabled("CONDSTORE") || IsEnabled("QRESYNC");

    public bool QResync => IsEnabled("QRESYNC");

    /// <summary>Plaintext passwords only over TLS, or on loopback (RFC 9051 §11.1; RFC 8314).</summary>
    public bool PlaintextAllowed => _connection.IsSecure || _connection.IsLoopback;

    public string CapabilityText => Capabilities.For(Account is not null, _connection.CanUpgradeToTls, PlaintextAllowed, Authenticator.MechanismNames, Options.MaxAppendBytes);

    public CancellationToken Stopping { get; private set; }

    /// <summary>This connection's login attempts, for the throttle (set before the greeting).</summary>
    public LoginAttempts Logins { get; private set; } = null!;

    /// <summary>Set by a login that must close the connection (a lockout, too many failures): BYE after its reply.</summary>
    public bool CloseAfterReply { get; set; }

    // Shutdown, or the revocation of the app password this session logged in with.
    private SessionLifetime _lifetime = null!;

    // RFC 9051 §7.1.5: BYE, then the server closes; a client that logs in again with the revoked password is refused.
    private string EndingText => _lifetime.Revoked ? "the app password of this session was revoked" : "[UNAVAILABLE] EdgeMail is shutting down";

    public async Task RunAsync(CancellationToken shutdown)
    {
        using var lifetime = new SessionLifetime(shutdown);
        _lifetime = lifetime;
        var stopping = lifetime.Token;
        Stopping = stopping;
        try
        {
            // An address whose connections were closed for failed logins waits here, before anything is read.
            Logins = await Authenticator.AcceptAsync(_connection.RemoteEndPoint.Address, "IMAP", stopping).ConfigureAwait(false);

            // Before login the whole phase has one deadline, which dribbled bytes cannot extend; LoggedIn clears it.
            _connection.Lines.SetDeadline(Options.LoginDeadline);

            // RFC 9051 §7.1.1: the greeting may carry the capabilities, saving a round trip.
            Writer.Raw("* OK [CAPABILITY ").Raw(CapabilityText).Raw("] EdgeMail IMAP ready\r\n");
            await Writer.FlushAsync(stopping).ConfigureAwait(false);

            // The command loop is written here rather than in a method of its own: a session in IDLE awaits for
            // hours, and each nested async method would keep its own state machine alive meanwhile.
            while (State != ImapState.Logout)
            {
                // Checked before every read, so that junk lines (empty, NUL, 8-bit, too long), which end their
                // iteration early, count towards the limit as much as a bad command does.
                if (_badCommands >= Options.MaxBadCommands)
                {
                    Log.TooManyBadCommands(Logger, _connection.Id, _badCommands);
                    await SayByeAsync("too many invalid commands").ConfigureAwait(false);
                    return;
                }

                var timeout = Account is null ? Options.UnauthenticatedTimeout : Options.IdleTimeout;
                var read = await _reader.ReadAsync(timeout, stopping).ConfigureAwait(false);
                switch (read.Status)
                {
                    case ReadStatus.Closed:
                        return;
                    case ReadStatus.TimedOut when Account is null && _connection.Lines.DeadlinePassed:
                        await SayLoginDeadlineByeAsync().ConfigureAwait(false);
                        return;
                    case ReadStatus.TimedOut:
                        // RFC 9051 §5.4 autologout.
                        await SayByeAsync(Account is null ? "[UNAVAILABLE] no login in time" : "autologout: idle for too long").ConfigureAwait(false);
                        return;
                    case ReadStatus.TooLong:
                        await BadAsync(read.Tag ?? "*", "[TOOBIG] the command line is too long", null).ConfigureAwait(false);
                        continue;
                    case ReadStatus.Refused:
                        if (read.Close)
                        {
                            await SayByeAsync($"[{read.Code}] {read.Text}").ConfigureAwait(false);
                            return;
                        }

                        Writer.Raw(read.Tag ?? "*").Raw(" NO [").Raw(read.Code!).Raw("] ").Raw(read.Text!).Crlf();
                        await Writer.FlushAsync(stopping).ConfigureAwait(false);
                        continue;
                    case ReadStatus.Garbage:
                        await BadAsync(read.Tag ?? "*", "not an IMAP command (expected: tag SP command)", null).ConfigureAwait(false);
                        continue;
                }

                var command = read.Command!;
                try
                {
                    await ExecuteAsync(command, stopping).ConfigureAwait(false);
                }
                finally
                {
                    foreach (var spool in command.Spooled)
                    {
                        spool.Dispose();
                    }
                }

                if (CloseAfterReply)
                {
                    // RFC 9051 §7.1.5: BYE, then the server closes the connection.
                    await SayByeAsync("too many failed logins").ConfigureAwait(false);
                    return;
                }

                // IDLE continues here (RFC 2177), in this method's own state: see Commands/Idle.cs.
                // Nothing of the command is kept while idling (these locals live in this method's state).
                command = null;
                read = default;
                if (_idleTag is { } idleTag)
                {
                    _idleTag = null;
                    _idle = new IdleWait(idleTag, _connection, Selected?.Changes, Time, _idleDeadlines, stopping);
                    ReleaseWhileIdle();
                }

                while (_idle is { } idle)
                {
                    var wake = await idle.NextAsync().ConfigureAwait(false);
                    // The connection let its pipes go while waiting; whatever is written now goes through new ones.
                    Writer.Output = _connection.Output;
                    if (wake == IdleWake.Changes)
                    {
                        UpdateProjection.ClaimRecent(this);
                        UpdateProjection.Write(this, allowExpunge: true);
                        await Writer.FlushAsync(stopping).ConfigureAwait(false);
                        if (State == ImapState.Logout)
                        {
                            return;
                        }

                        ReleaseWhileIdle();
                        continue;
                    }

                    EndIdle();
                    if (wake == IdleWake.Stopping)
                    {
                        stopping.ThrowIfCancellationRequested();
                    }

                    // The client spoke: DONE should be all of it, within what is left of the idle timeout.
                    var left = wake == IdleWake.TimedOut ? TimeSpan.Zero : Options.IdleTimeout - Time.GetElapsedTime(idle.Started);
                    var line = left > TimeSpan.Zero ? await ReadContinuationLineAsync(left > TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1), stopping).ConfigureAwait(false) : null;
                    if (line is null)
                    {
                        await SayByeAsync("autologout: idle for too long").ConfigureAwait(false);
                        return;
                    }

                    if (!line.Equals("DONE", StringComparison.OrdinalIgnoreCase))
                    {
                        await BadAsync(idle.Tag, "IDLE ends with DONE", "IDLE").ConfigureAwait(false);
                        break;
                    }

                    UpdateProjection.ClaimRecent(this);
                    UpdateProjection.Write(this, allowExpunge: true);
                    Writer.Raw(idle.Tag).Raw(" OK IDLE terminated").Crlf();
                    await Writer.FlushAsync(stopping).ConfigureAwait(false);
                }

                if (stopping.IsCancellationRequested && State != ImapState.Logout)
                {
                    await SayByeAsync(EndingText).ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            await SayByeAsync(EndingText).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The client went away.
        }
        finally
        {
            EndIdle();
            Selected?.Dispose();
            Selected = null;
        }
    }

    /// <summary>IDLE was accepted (Commands/Idle.cs): once the command returns, the loop waits and answers DONE.</summary>
    public void StartIdle(string tag) => _idleTag = tag;

    // Made by the first ENABLE (or CONDSTORE use): many sessions never enable anything.
    private bool IsEnabled(string extension) => _enabled?.Contains(extension) == true;

    // The connection gives its pipes back while idle (when they hold nothing); the writer lets go of its own.
    private void ReleaseWhileIdle()
    {
        if (_connection.ReleasePipes())
        {
            Writer.Detach();
        }
    }

    private void EndIdle()
    {
        _idle?.Dispose();
        _idle = null;
    }

    private async Task ExecuteAsync(ImapCommand command, CancellationToken stopping)
    {
        var spec = CommandTable.Find(command.Name);
        if (spec is null)
        {
            await BadAsync(command.Tag, $"unknown command {Truncate(command.Name)}", command.Name).ConfigureAwait(false);
            return;
        }

        if ((spec.States & State) == 0)
        {
            var why = State switch
            {
                ImapState.NotAuthenticated => "log in first",
                ImapState.Authenticated when (spec.States & ImapState.Selected) != 0 => "select a mailbox first",
                _ => "not allowed now",
            };
            await BadAsync(command.Tag, $"{command.Name}: {why}", command.Name).ConfigureAwait(false);
            return;
        }

        CommandResult result;
        var condStoreWasOff = !CondStore;
        var selectedBefore = Selected;
        try
        {
            result = await spec.Handler(this, command, stopping).ConfigureAwait(false);
        }
        catch (ImapParseException ex)
        {
            await BadAsync(command.Tag, $"{command.Name}: {ex.Message}", command.Name).ConfigureAwait(false);
            return;
        }
        catch (ProtocolException ex) when (ex.IsBad)
        {
            await BadAsync(command.Tag, ex.Code is null ? ex.Message : $"[{ex.Code}] {ex.Message}", command.Name).ConfigureAwait(false);
            return;
        }
        catch (ProtocolException ex)
        {
            result = CommandResult.No(ex.Code, ex.Message);
        }
        catch (StoreException ex)
        {
            result = CommandResult.No(CodeFor(ex.Error), ex.Message);
        }
        catch (ResponseAbortedException ex)
        {
            // Invariant 6: a half-written response cannot be followed by anything; the connection ends here.
            Log.CommandFailed(Logger, _connection.Id, command.Name, ex);
            State = ImapState.Logout;
            return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not IOException)
        {
            Log.CommandFailed(Logger, _connection.Id, command.Name, ex);
            result = CommandResult.No("SERVERBUG", "internal error; the mailbox is unchanged unless stated otherwise");
        }

        if (State == ImapState.Logout || result.Answered)
        {
            await Writer.FlushAsync(stopping).ConfigureAwait(false);
            return;
        }

        UpdateProjection.ClaimRecent(this);
        UpdateProjection.Write(this, !spec.DefersExpunge);
        if (condStoreWasOff && CondStore)
        {
            result = CondStoreEnabling.ReportHighestModSeq(this, selectedBefore, result);
        }

        Writer.Raw(command.Tag).Raw(result.Ok ? " OK " : " NO ");
        if (result.Code is not null)
        {
            Writer.Raw("[").Raw(result.Code).Raw("] ");
        }

        Writer.Raw(result.Text).Crlf();

        // Pipelined commands (RFC 9051 §5.5) are answered together: flush when nothing more is waiting.
        if (!_connection.Lines.HasBufferedLine() || Writer.Unflushed > 64 * 1024)
        {
            await Writer.FlushAsync(stopping).ConfigureAwait(false);
        }
    }

    private async Task BadAsync(string tag, string text, string? command)
    {
        _badCommands++;
        Log.BadCommand(Logger, _connection.Id, tag, command ?? "?", text);
        Writer.Raw(tag).Raw(" BAD ").Raw(text).Crlf();
        await Writer.FlushAsync(Stopping).ConfigureAwait(false);
    }

    public async Task SayByeAsync(string text)
    {
        try
        {
            Writer.Raw("* BYE ").Raw(text).Crlf();
            await Writer.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (IOException)
        {
        }
        catch (InvalidOperationException)
        {
            // The pipe is already completed.
        }

        State = ImapState.Logout;
    }

    // RFC 9051 §7.1.5: BYE, here for the autologout of a client that did not log in within Imap:LoginDeadline.
    private async Task SayLoginDeadlineByeAsync()
    {
        Log.LoginDeadlinePassed(Logger, _connection.Id, Options.LoginDeadline);
        await SayByeAsync(string.Create(CultureInfo.InvariantCulture, $"autologout: no login within {Options.LoginDeadline}")).ConfigureAwait(false);
    }

    public void LoggedIn(LoginResult login)
    {
        // The login phase is over: from now on the per-command and idle timeouts apply, as they did before.
        _connection.Lines.ClearDeadline();
        Account = login.Account;
        State = ImapState.Authenticated;
        _lifetime.Watch(login);
        Log.LoggedIn(Logger, _connection.Id, login.Account!.Address, _connection.RemoteEndPoint.ToString(), login.AppPassword is null ? string.Empty : $" (app password {login.AppPassword})");
    }

    public void Select(SelectedMailbox mailbox)
    {
        Selected?.Dispose();
        Selected = mailbox;
        State = ImapState.Selected;
    }

    public void Unselect()
    {
        Selected?.Dispose();
        Selected = null;
        State = ImapState.Authenticated;
    }

    public SelectedMailbox RequireSelected() => Selected ?? throw ProtocolException.Bad(null, "no mailbox is selected");

    public void RequireWritable()
    {
        if (RequireSelected().ReadOnly)
        {
            throw ProtocolException.No("READ-ONLY", "the mailbox was opened with EXAMINE");
        }
    }

    /// <summary>Reads one line during AUTHENTICATE or IDLE.</summary>
    public async ValueTask<string?> ReadContinuationLineAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var line = await _connection.Lines.ReadLineAsync(Options.MaxCommandBytes, timeout, cancellationToken).ConfigureAwait(false);
        if (line.Status == LineReadStatus.TimedOut && Account is null && _connection.Lines.DeadlinePassed)
        {
            // Mid-AUTHENTICATE: BYE, and the command ends with the connection (no tagged reply after a BYE).
            await SayLoginDeadlineByeAsync().ConfigureAwait(false);
            throw new IOException("no login within Imap:LoginDeadline");
        }

        return line.Status == LineReadStatus.Line ? Encoding.UTF8.GetString(line.Line.Span) : null;
    }

    /// <summary>Mailbox names as the client writes them: UTF-8, or modified UTF-7 for IMAP4rev1 clients (RFC 3501 §5.1.3).</summary>
    /// <summary>
    /// A mailbox name as the client sent it: UTF-8 once enabled, else modified UTF-7, which must be well formed
    /// (RFC 3501 §5.1.3): `bad&utf7` is refused rather than stored under a name no client could send back.
    /// </summary>
    public string DecodeMailboxName(string wire)
    {
        if (Utf8)
        {
            return wire;
        }

        return EdgeMail.Store.Mailboxes.ModifiedUtf7.TryDecode(wire, out var decoded)
            ? decoded
            : throw ProtocolException.No("CANNOT", "the mailbox name is not valid modified UTF-7 (RFC 3501 §5.1.3)");
    }

    /// <summary>A LIST reference or pattern: decoded like a name where it is well formed, else matched as sent.</summary>
    public string DecodeMailboxPattern(string wire) =>
        Utf8 || !EdgeMail.Store.Mailboxes.ModifiedUtf7.TryDecode(wire, out var decoded) ? wire : decoded;

    public string EncodeMailboxName(string name) => Utf8 ? name : EdgeMail.Store.Mailboxes.ModifiedUtf7.Encode(name);

    private static string Truncate(string s) => s.Length > 40 ? s[..40] + "..." : s;

    internal static string? CodeFor(StoreError error) => error switch
    {
        StoreError.InvalidName => "CANNOT",           // RFC 5530 §3
        StoreError.AlreadyExists => "ALREADYEXISTS",
        StoreError.NotFound => "NONEXISTENT",
        StoreError.NotAllowed => "CANNOT",
        StoreError.TooLarge => "TOOBIG",               // RFC 7889
        StoreError.StorageFull => "OVERQUOTA",
        StoreError.Conflict => "INUSE",
        StoreError.InvalidAddress => "CANNOT",
        _ => null,
    };
}
