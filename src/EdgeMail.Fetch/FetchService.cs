using EdgeMail.Delivery;
using EdgeMail.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Fetch;

/// <summary>
/// The fetch accounts of the running service: one <see cref="FetchWorker"/> per account in the store, started and
/// stopped as `edgemail fetch add|remove` change them (<see cref="Reload"/>, through the control channel); `fetch
/// run` is <see cref="RunAsync"/>; the live state and the health signal feed status and the status LED.
/// </summary>
public sealed class FetchService : BackgroundService
{
    private readonly MailStore _store;
    private readonly FetchIntake _intake;
    private readonly FetchOptions _options;
    private readonly FetchHealthSignal _health;
    private readonly TimeProvider _time;
    private readonly ILogger<FetchService> _logger;
    private readonly SemaphoreSlim _reload = new(0);
    private readonly SemaphoreSlim _reconcile = new(1, 1);
    private readonly Lock _gate = new();
    private Dictionary<long, FetchWorker> _workers = [];

    public FetchService(MailStore store, MailDelivery delivery, FetchOptions options, FetchHealthSignal health, string hostName, TimeProvider time, ILogger<FetchService> logger)
    {
        _store = store;
        _intake = new FetchIntake(store, delivery, hostName, time);
        _options = options;
        _health = health;
        _time = time;
        _logger = logger;
    }

    /// <summary>Reads the fetch accounts again (after `fetch add` or `fetch remove`).</summary>
    public void Reload() => _reload.Release();

    /// <summary>A pass of one account (or of all) now; the outcome of each. Null when there is no such account.</summary>
    public async Task<IReadOnlyList<FetchRunResult>?> RunAsync(string? name, CancellationToken cancellationToken)
    {
        await ReconcileAsync(cancellationToken).ConfigureAwait(false);
        List<FetchWorker> chosen;
        lock (_gate)
        {
            chosen = _workers.Values.Where(w => name is null || w.Account.Name == name).OrderBy(w => w.Account.Name, StringComparer.Ordinal).ToList();
        }

        if (name is not null && chosen.Count == 0)
        {
            return null;
        }

        return await Task.WhenAll(chosen.Select(w => w.RunNowAsync().WaitAsync(cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>What each worker is doing now (connected, in IDLE, in a pass).</summary>
    public IReadOnlyList<FetchLiveState> Live()
    {
        lock (_gate)
        {
            return _workers.Values.Select(w => w.Live).OrderBy(l => l.Name, StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>Whether some account has gone Fetch:AlertAfter without a success; published to the health signal.</summary>
    internal void UpdateHealth()
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            _health.Publish(_workers.Values
                .Where(w => w.Failures > 0 && now - (w.LastSuccess ?? w.Account.Created) >= _options.AlertAfter)
                .Select(w => w.Account.Name)
                .ToHashSet(StringComparer.Ordinal));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            return;
        }

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await ReconcileAsync(stoppingToken).ConfigureAwait(false);
                await _reload.WaitAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            Dictionary<long, FetchWorker> workers;
            lock (_gate)
            {
                workers = _workers;
                _workers = [];
            }

            foreach (var worker in workers.Values)
            {
                await worker.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>A worker for each account in the store, none for accounts no longer there.</summary>
    private async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            return;
        }

        await _reconcile.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var accounts = await _store.ListFetchAccountsAsync(cancellationToken).ConfigureAwait(false);
            var wanted = accounts.ToDictionary(a => a.Id);
            List<FetchWorker> gone;
            lock (_gate)
            {
                gone = _workers.Values.Where(w => !wanted.ContainsKey(w.Account.Id)).ToList();
                foreach (var worker in gone)
                {
                    _workers.Remove(worker.Account.Id);
                }

                foreach (var account in accounts.Where(a => !_workers.ContainsKey(a.Id)))
                {
                    var worker = new FetchWorker(account, this, _store, _intake, _options, _time, _logger);
                    _workers[account.Id] = worker;
                    worker.Start();
                }
            }

            foreach (var worker in gone)
            {
                await worker.DisposeAsync().ConfigureAwait(false);
            }

            UpdateHealth();
        }
        finally
        {
            _reconcile.Release();
        }
    }

    public override void Dispose()
    {
        _reload.Dispose();
        _reconcile.Dispose();
        base.Dispose();
    }
}
