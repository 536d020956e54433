namespace EdgeMail.Device;

/// <summary>
/// What the host tells the device layer, and what the device tells the host. The host calls the setters from any
/// thread (the store's change feed, the relay runner, the disk check, the pairing window); each takes effect on the
/// LEDs at once. The host subscribes to <see cref="ButtonHeld"/> (toggle the pairing window) and
/// <see cref="MailAcknowledged"/>. Events are raised outside any lock, on the thread of the button's edge or timer.
/// </summary>
public sealed class DeviceSignals
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _unseen = new(StringComparer.OrdinalIgnoreCase);
    private readonly SortedSet<string> _attention = new(StringComparer.Ordinal);
    private bool _acknowledged;
    private string? _storeFailure;
    private bool _diskLow;
    private bool _pairingOpen;
    private bool _noAccountYet;

    /// <summary>The button was held for Device:Button:HoldForPairing: open the pairing window, or close an open one.</summary>
    public event EventHandler? ButtonHeld;

    /// <summary>A short press acknowledged the mail LED: it stays off until the next delivery.</summary>
    public event EventHandler? MailAcknowledged;

    /// <summary>Something changed that the LEDs show (the device service listens).</summary>
    internal event Action? Changed;

    /// <summary>A delivery happened (the mail LED blinks once).</summary>
    internal event Action? Delivery;

    /// <summary>
    /// The unseen messages in <paramref name="account"/>'s INBOX (only for the accounts the mail LED watches,
    /// Device:MailLed:Accounts). 0 forgets the account.
    /// </summary>
    public void SetUnseen(string account, int count)
    {
        ArgumentException.ThrowIfNullOrEmpty(account);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_gate)
        {
            var had = _unseen.GetValueOrDefault(account);
            if (had == count)
            {
                return;
            }
            if (count == 0)
            {
                _unseen.Remove(account);
            }
            else
            {
                _unseen[account] = count;
            }
        }
        Changed?.Invoke();
    }

    /// <summary>A message was delivered to a watched INBOX: the mail LED blinks once and an acknowledgement ends.</summary>
    public void Delivered(string account)
    {
        ArgumentException.ThrowIfNullOrEmpty(account);
        lock (_gate)
        {
            _acknowledged = false;
        }
        Delivery?.Invoke();
        Changed?.Invoke();
    }

    /// <summary>Turns the mail LED off until the next delivery (what the button's short press does).</summary>
    public void AcknowledgeMail()
    {
        lock (_gate)
        {
            _acknowledged = true;
        }
        Changed?.Invoke();
        MailAcknowledged?.Invoke(this, EventArgs.Empty);
    }

    /// <summary>Sets or clears one reason for attention (<see cref="AttentionReasons"/>); the status LED blinks slowly while any is set.</summary>
    public void SetAttention(string reason, bool active)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        bool changed;
        lock (_gate)
        {
            changed = active ? _attention.Add(reason) : _attention.Remove(reason);
        }
        if (changed)
        {
            Changed?.Invoke();
        }
    }

    /// <summary>The store failed (with why), or null once it works again: the status LED shows the error pattern.</summary>
    public void SetStoreFailure(string? reason) => Set(ref _storeFailure, string.IsNullOrEmpty(reason) ? null : reason);

    /// <summary>Free disk is below Storage:MinFreeBytes: the status LED shows the error pattern.</summary>
    public void SetDiskLow(bool low) => Set(ref _diskLow, low);

    /// <summary>The pairing window is open: the status LED blinks fast.</summary>
    public void SetPairingOpen(bool open) => Set(ref _pairingOpen, open);

    /// <summary>The box has no account yet (first boot, waiting for the first pairing): the status LED double-blinks.</summary>
    public void SetNoAccountYet(bool none) => Set(ref _noAccountYet, none);

    internal DeviceSignalsSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new DeviceSignalsSnapshot(
                _unseen.Values.Sum(), _acknowledged, _attention.ToArray(), _storeFailure, _diskLow, _pairingOpen, _noAccountYet);
        }
    }

    internal void RaiseButtonHeld() => ButtonHeld?.Invoke(this, EventArgs.Empty);

    private void Set<T>(ref T field, T value)
    {
        lock (_gate)
        {
            if (EqualityComparer<T>.Default.Equals(field, value))
            {
                return;
            }
            field = value;
        }
        Changed?.Invoke();
    }
}
