using System.Threading.Tasks.Sources;
using EdgeMail.Net;
using EdgeMail.Store.Changes;

namespace EdgeMail.Imap.Session;

/// <summary>Why an IDLE woke up.</summary>
internal enum IdleWake
{
    /// <summary>The client sent something (DONE, it should be) or closed the connection.</summary>
    Input,

    /// <summary>The selected mailbox changed (or its subscription ended).</summary>
    Changes,

    /// <summary>The autologout timer ran out (RFC 9051 §5.4).</summary>
    TimedOut,

    /// <summary>The server is shutting down.</summary>
    Stopping,
}

/// <summary>
/// The wait of one IDLE command (RFC 2177): whichever comes first of the client's next bytes, a change to the
/// selected mailbox, the autologout deadline and shutdown. A client may sit in IDLE for hours and a small server
/// holds a thousand of them, so the wait is built to be small: one zero-byte read on the transport (no buffer),
/// cancelled by shutdown, a callback on the change subscription (no pending read of it) and a place in the
/// handler's one autologout timer (<see cref="IdleDeadlines"/>), all signalling this one reusable awaitable. Signals that come while nobody waits are kept for the next
/// <see cref="NextAsync"/>.
/// </summary>
internal sealed class IdleWait : IValueTaskSource<IdleWake>, IDisposable
{
    // The signals' lock: this object itself, which only the session and the ValueTask machinery see (a thousand
    // idle sessions would otherwise each hold one more object).
    private readonly object _sync;
    private readonly MailConnection _connection;
    private readonly Action _onInput;
    private readonly ChangeSubscription? _changes;
    private readonly IdleDeadlines _deadlines;
    private readonly CancellationToken _stopping;
    private ManualResetValueTaskSourceCore<IdleWake> _core = new() { RunContinuationsAsynchronously = true };
    private ValueTask<int> _input;
    private bool _waiting;
    private bool _inputReady;
    private bool _changed;
    private bool _timedOut;
    private bool _stop;
    private bool _disposed;

    public IdleWait(string tag, MailConnection connection, ChangeSubscription? changes, TimeProvider time, IdleDeadlines deadlines, CancellationToken stopping)
    {
        _sync = this;
        Tag = tag;
        Started = time.GetTimestamp();
        _changes = changes;
        _deadlines = deadlines;
        deadlines.Add(this);
        _stopping = stopping;
        if (changes is not null)
        {
            changes.SetCallback(static state => ((IdleWait)state!).Signal(IdleWake.Changes), this);
            if (changes.Reader.TryPeek(out _))
            {
                Signal(IdleWake.Changes);
            }
        }

        _connection = connection;
        _onInput = OnInput;
        StartInputWait();
    }

    /// <summary>The IDLE command's tag, for its tagged reply after DONE.</summary>
    public string Tag { get; }

    /// <summary>When IDLE began (a <see cref="TimeProvider"/> timestamp): the autologout timer runs from here.</summary>
    public long Started { get; }

    // The links of IdleDeadlines' list, which it keeps under its lock.
    internal IdleWait? Previous { get; set; }

    internal IdleWait? Next { get; set; }

    internal bool Linked { get; set; }

    /// <summary>The autologout deadline passed (called by <see cref="IdleDeadlines"/>).</summary>
    internal void TimeOut() => Signal(IdleWake.TimedOut);

    /// <summary>The next reason to wake; at once if one came since the last call.</summary>
    public ValueTask<IdleWake> NextAsync()
    {
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (TakeLatched() is { } latched)
            {
                return new ValueTask<IdleWake>(latched);
            }

            _core.Reset();
            _waiting = true;
            return new ValueTask<IdleWake>(this, _core.Version);
        }
    }

    public void Dispose()
    {
        lock (_sync)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _changes?.SetCallback(null, null);
        _deadlines.Remove(this);
        // A zero-byte read still pending ends when the client sends DONE (the session then reads it) or when the
        // connection closes; OnInput then only consumes its result.
    }

    IdleWake IValueTaskSource<IdleWake>.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<IdleWake>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<IdleWake>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    private void StartInputWait()
    {
        lock (_sync)
        {
            if (_disposed)
            {
                return;
            }
        }

        // Shutdown cancels the read, which is how the wait hears of it: no registration of its own. The token
        // also replaces the socket operation's stale registration from the released pipe's last read, which
        // would otherwise keep that pipe's token source alive (about 0.2 KiB) for the whole wait.
        _input = _connection.WaitForInputAsync(_stopping);
        if (_input.IsCompleted)
        {
            OnInput();
        }
        else
        {
            _input.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_onInput);
        }
    }

    private void OnInput()
    {
        try
        {
            // Consumes the read (a socket's reusable operation goes back to it). A failure here (reset, closed)
            // shows again on the session's next read, which then ends the session.
            _input.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            Signal(IdleWake.Stopping);
            return;
        }
        catch (Exception ex) when (MailConnectionFailure(ex))
        {
        }

        Signal(IdleWake.Input);
    }

    private void Signal(IdleWake wake)
    {
        IdleWake result;
        lock (_sync)
        {
            switch (wake)
            {
                case IdleWake.Input: _inputReady = true; break;
                case IdleWake.Changes: _changed = true; break;
                case IdleWake.TimedOut: _timedOut = true; break;
                default: _stop = true; break;
            }

            if (!_waiting || _disposed || TakeLatched() is not { } taken)
            {
                return;
            }

            _waiting = false;
            result = taken;
        }

        _core.SetResult(result);
    }

    // Shutdown first; then DONE, whose tagged OK reports any pending changes anyway; then changes, before a
    // timeout that came with them.
    private IdleWake? TakeLatched()
    {
        if (_stop)
        {
            _stop = false;
            return IdleWake.Stopping;
        }

        if (_inputReady)
        {
            _inputReady = false;
            return IdleWake.Input;
        }

        if (_changed)
        {
            _changed = false;
            return IdleWake.Changes;
        }

        if (_timedOut)
        {
            _timedOut = false;
            return IdleWake.TimedOut;
        }

        return null;
    }

    private static bool MailConnectionFailure(Exception ex) =>
        ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException
            or System.Security.Authentication.AuthenticationException;
}
