using EdgeMail.Auth.Pairing;
using EdgeMail.Device;
using EdgeMail.Smtp.Relay;
using EdgeMail.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeMail.Signals;

/// <summary>
/// Feeds the device layer from the rest of the box, which it knows nothing of: the watched INBOXes' unseen counts and
/// arrivals (<see cref="InboxWatcher"/>), the account count (first boot), the store's write health, free disk against
/// Storage:MinFreeBytes, the relay queue's health and the pairing window; and the button's hold toggles the pairing
/// window. The disk is checked at start, whenever the store's health
/// changes, and every <see cref="DiskCheckInterval"/> (with the account count): a timer of minutes, so the idle box
/// wakes rarely.
/// </summary>
internal sealed class DeviceFeed : BackgroundService, IInboxSignals
{
    public static readonly TimeSpan DiskCheckInterval = TimeSpan.FromMinutes(5);

    private readonly MailStore _store;
    private readonly DeviceSignals _device;
    private readonly RelayHealthSignal _relay;
    private readonly EdgeMail.Fetch.FetchHealthSignal _fetch;
    private readonly DiskSpace _disk;
    private readonly PairingWindow _pairing;
    private readonly IReadOnlyList<string> _watched;
    private readonly TimeProvider _time;
    private readonly ILogger<DeviceFeed> _logger;

    private int _diskLow;

    public DeviceFeed(MailStore store, DeviceSignals device, RelayHealthSignal relay, EdgeMail.Fetch.FetchHealthSignal fetch, DiskSpace disk, PairingWindow pairing, IOptions<DeviceOptions> options, TimeProvider time, ILogger<DeviceFeed> logger)
    {
        _store = store;
        _device = device;
        _relay = relay;
        _fetch = fetch;
        _disk = disk;
        _pairing = pairing;
        _watched = options.Value.MailLed.Accounts;
        _time = time;
        _logger = logger;
    }

    public void Unseen(string account, long count) => _device.SetUnseen(account, (int)Math.Min(count, int.MaxValue));

    public void Delivered(string account) => _device.Delivered(account);

    public void Accounts(int count) => _device.SetNoAccountYet(count == 0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _store.Health.Changed += OnStoreHealth;
        _relay.Changed += OnRelayHealth;
        _fetch.Changed += OnFetchHealth;
        _pairing.Changed += OnPairing;
        _device.ButtonHeld += OnButtonHeld;
        OnStoreHealth(_store.Health.Failure);
        OnRelayHealth(_relay.Current);
        _device.SetPairingOpen(_pairing.IsOpen);
        using var diskTimer = _time.CreateTimer(static state => ((DeviceFeed)state!).OnTimer(), this, DiskCheckInterval, DiskCheckInterval);
        CheckDisk();
        try
        {
            await new InboxWatcher(_store, _watched, this, _logger).RunAsync(stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            _store.Health.Changed -= OnStoreHealth;
            _relay.Changed -= OnRelayHealth;
            _fetch.Changed -= OnFetchHealth;
            _pairing.Changed -= OnPairing;
            _device.ButtonHeld -= OnButtonHeld;
        }
    }

    // A hold of Device:Button:HoldForPairing opens the window, another closes it.
    private void OnButtonHeld(object? sender, EventArgs e) => _pairing.Toggle();

    private void OnPairing(object? sender, PairingWindowChangedEventArgs e)
    {
        _device.SetPairingOpen(e.IsOpen);
        if (!e.IsOpen)
        {
            // A pairing in the window may have made the first account: the first-boot blink ends with it.
            _ = RecountAccountsAsync();
        }
    }

    private async Task RecountAccountsAsync()
    {
        try
        {
            Accounts((await _store.ListAccountsAsync().ConfigureAwait(false)).Count);
        }
        catch (Exception ex) when (ex is StoreException or ObjectDisposedException or Microsoft.Data.Sqlite.SqliteException)
        {
            // Stopping, or the store failing (which its own health shows).
        }
    }

    private void OnStoreHealth(string? failure)
    {
        _device.SetStoreFailure(failure);
        CheckDisk();
    }

    private void OnRelayHealth(RelayHealth health)
    {
        _device.SetAttention(AttentionReasons.RelayDeferred, health.Deferred > 0);
        _device.SetAttention(AttentionReasons.UpstreamUnreachable, health.UpstreamUnreachable);
    }

    // A fetch account that has gone Fetch:AlertAfter without a success asks for attention, each under its own name.
    private void OnFetchHealth(IReadOnlySet<string> before, IReadOnlySet<string> now)
    {
        foreach (var name in before.Except(now))
        {
            _device.SetAttention(AttentionReasons.FetchFailing(name), false);
        }

        foreach (var name in now)
        {
            _device.SetAttention(AttentionReasons.FetchFailing(name), true);
        }
    }

    // Every DiskCheckInterval: the disk, and the account count (`user add` on the command line while the service
    // runs does not pass through it, and ends the first-boot blink this way at the latest).
    private void OnTimer()
    {
        CheckDisk();
        _ = RecountAccountsAsync();
    }

    private void CheckDisk()
    {
        var free = _disk.FreeBytes();
        var low = _disk.IsLow(free);

        // Logged when it changes, not at every check.
        var was = Interlocked.Exchange(ref _diskLow, low ? 1 : 0);
        if (low && was != 1)
        {
            Log.DiskLow(_logger, free ?? 0);
        }
        else if (!low && was == 1)
        {
            Log.DiskSpaceBack(_logger, free ?? 0);
        }

        _device.SetDiskLow(low);
    }
}
