using EdgeMail.Store;
using EdgeMail.Store.Fetch;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Fetch;

/// <summary>
/// The loop of one fetch account: a pass at start, then one every interval; between passes, where the server offers
/// IDLE and the account reads INBOX, the connection waits in IDLE so that new mail is fetched within seconds of its
/// arrival there (the other folders at the interval). A failed pass is retried after Fetch:FirstRetryDelay, doubling
/// up to Fetch:MaxRetryDelay; its error is one line in the store's state, logged when it changes. `fetch run` wakes it.
/// </summary>
internal sealed class FetchWorker : IAsyncDisposable
{
    private readonly FetchAccount _account;
    private readonly FetchService _service;
    private readonly MailStore _store;
    private readonly FetchIntake _intake;
    private readonly FetchOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<TaskCompletionSource<FetchRunResult>> _waiters = [];

    // The callers the pass under way answers: taken from _waiters as it starts, answered by its success or failure.
    private List<TaskCompletionSource<FetchRunResult>> _answering = [];
    private CancellationTokenSource _wake = new();
    private Task _loop = Task.CompletedTask;
    private string? _lastError;
    private volatile bool _connected;
    private volatile bool _idling;
    private volatile bool _running;

    public FetchWorker(FetchAccount account, FetchService service, MailStore store, FetchIntake intake, FetchOptions options, TimeProvider time, ILogger logger)
    {
        _account = account;
        _service = service;
        _store = store;
        _intake = intake;
        _options = options;
        _time = time;
        _logger = logger;
        Failures = account.State.Failures;
        LastSuccess = account.State.LastSuccess;
        _lastError = account.State.LastError;
    }

    public FetchAccount Account => _account;

    public int Failures { get; private set; }

    public DateTimeOffset? LastSuccess { get; private set; }

    public FetchLiveState Live => new(_account.Name, _connected, _idling, _running);

    public void Start() => _loop = Task.Run(() => LoopAsync(_stop.Token));

    /// <summary>Asks for a pass now; the task ends with it (or with the worker's end).</summary>
    public Task<FetchRunResult> RunNowAsync()
    {
        var waiter = new TaskCompletionSource<FetchRunResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _waiters.Add(waiter);
            _wake.Cancel();
        }

        return waiter.Task;
    }

    private CancellationToken WakeToken
    {
        get
        {
            lock (_gate)
            {
                if (_wake.IsCancellationRequested && _waiters.Count == 0)
                {
                    _wake.Dispose();
                    _wake = new CancellationTokenSource();
                }

                return _wake.Token;
            }
        }
    }

    /// <summary>The callers waiting for a pass: the pass that starts now answers them.</summary>
    private void TakeWaiters()
    {
        lock (_gate)
        {
            _answering.AddRange(_waiters);
            _waiters.Clear();
        }
    }

    /// <summary>Answers the callers of the pass that just ended, and those who asked during it.</summary>
    private void Answer(FetchRunResult result)
    {
        List<TaskCompletionSource<FetchRunResult>> answered;
        lock (_gate)
        {
            answered = _answering;
            _answering = [];
        }

        foreach (var waiter in answered)
        {
            waiter.TrySetResult(result);
        }
    }

    private async Task LoopAsync(CancellationToken stopping)
    {
        if (_account.InsecureTls)
        {
            Log.InsecureTls(_logger, _account.Name, _account.Host);
        }

        var due = _account.State.NextAttempt ?? _time.GetUtcNow();
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await WaitUntilAsync(due, stopping).ConfigureAwait(false);
                due = await PassAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is StoreException or ObjectDisposedException)
            {
                // The store is closing or failing (its own health says so); try again later.
                due = _time.GetUtcNow() + FetchBackoff.After(Math.Max(1, Failures), _options);
            }
        }

        TakeWaiters();
        Answer(new FetchRunResult(_account.Name, 0, "the service is stopping"));
    }

    private async Task WaitUntilAsync(DateTimeOffset due, CancellationToken stopping)
    {
        var wait = due - _time.GetUtcNow();
        if (wait <= TimeSpan.Zero)
        {
            return;
        }

        using var either = CancellationTokenSource.CreateLinkedTokenSource(stopping, WakeToken);
        try
        {
            await Task.Delay(wait, _time, either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            // Woken by `fetch run`.
        }
    }

    /// <summary>One connection's life: the pass, then IDLE while it lasts; the time of the next attempt.</summary>
    private async Task<DateTimeOffset> PassAsync(CancellationToken stopping)
    {
        TakeWaiters();
        IRemoteFetcher fetcher = _account.Protocol == FetchProtocol.Imap
            ? new ImapFetcher(_account, _intake, _store, _options)
            : new Pop3Fetcher(_account, _intake, _store, _options);
        try
        {
            _running = true;
            var password = await _store.GetFetchPasswordAsync(_account.Id, stopping).ConfigureAwait(false);
            await fetcher.ConnectAsync(password, stopping).ConfigureAwait(false);
            _connected = true;
            await SucceededAsync(await fetcher.SyncAsync(inboxOnly: false, stopping).ConfigureAwait(false), record: true).ConfigureAwait(false);
            _running = false;
            if (fetcher.CanIdle)
            {
                await IdleLoopAsync(fetcher, stopping).ConfigureAwait(false);
            }

            return _time.GetUtcNow() + _account.Interval;
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested && ex is not ObjectDisposedException)
        {
            TakeWaiters();
            return await FailedAsync(ex).ConfigureAwait(false);
        }
        finally
        {
            _running = _connected = _idling = false;
            await fetcher.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Waits in IDLE; news brings the INBOX, the interval or `fetch run` every folder.</summary>
    private async Task IdleLoopAsync(IRemoteFetcher fetcher, CancellationToken stopping)
    {
        Log.Idling(_logger, _account.Name, _account.Host);
        var lastFull = _time.GetUtcNow();
        while (true)
        {
            var left = _account.Interval - (_time.GetUtcNow() - lastFull);
            var wake = WakeToken;
            var news = false;
            if (left > TimeSpan.Zero && !wake.IsCancellationRequested)
            {
                _idling = true;
                news = await fetcher.IdleAsync(left < _options.IdleRefresh ? left : _options.IdleRefresh, wake, stopping).ConfigureAwait(false);
                _idling = false;
            }

            var full = wake.IsCancellationRequested || _time.GetUtcNow() - lastFull >= _account.Interval;
            if (!full && !news)
            {
                continue;
            }

            TakeWaiters();
            _running = true;
            var fetched = await fetcher.SyncAsync(inboxOnly: !full, stopping).ConfigureAwait(false);
            _running = false;
            await SucceededAsync(fetched, record: full || fetched > 0 || Failures > 0).ConfigureAwait(false);
            if (full)
            {
                lastFull = _time.GetUtcNow();
            }
        }
    }

    private async Task SucceededAsync(int fetched, bool record)
    {
        if (fetched > 0)
        {
            Log.Fetched(_logger, _account.Name, fetched, _account.Host);
        }

        if (Failures > 0)
        {
            Log.Recovered(_logger, _account.Name, _account.Host, Failures);
        }

        Failures = 0;
        _lastError = null;
        LastSuccess = _time.GetUtcNow();
        if (record)
        {
            // Written after a full pass or one that brought mail, not after each IDLE wake-up: the card is written for news only.
            await _store.RecordFetchAttemptAsync(_account.Id, null, null).ConfigureAwait(false);
        }

        _service.UpdateHealth();
        Answer(new FetchRunResult(_account.Name, fetched, null));
    }

    private async Task<DateTimeOffset> FailedAsync(Exception error)
    {
        var line = FetchErrors.Describe(error, _account);
        Failures++;
        var delay = FetchBackoff.After(Failures, _options);
        var next = _time.GetUtcNow() + delay;
        if (line != _lastError)
        {
            Log.Failed(_logger, _account.Name, line, delay);
        }
        else
        {
            // The same error again is summarised: the backoff keeps these rare, and the first one said it all.
            Log.FailedAgain(_logger, _account.Name, Failures, delay);
        }

        _lastError = line;
        try
        {
            await _store.RecordFetchAttemptAsync(_account.Id, line, next).ConfigureAwait(false);
        }
        catch (StoreException)
        {
            // The fetch account was removed meanwhile, or the store fails (its health says so).
        }

        _service.UpdateHealth();
        Answer(new FetchRunResult(_account.Name, 0, line));
        return next;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.WorkerCrashed(_logger, ex, _account.Name);
        }

        _stop.Dispose();
        _wake.Dispose();
    }
}
