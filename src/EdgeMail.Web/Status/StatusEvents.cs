using EdgeMail.Auth.Pairing;
using EdgeMail.Device;

namespace EdgeMail.Web.Status;

/// <summary>
/// Tells the status view's event streams that something it shows changed: the LEDs (mail arrived or was read, attention,
/// errors), a delivery, the pairing window. Each change completes the current task and starts a new one, so a stream
/// that was busy writing still sees that something changed since it last looked. No timer: nothing wakes while nothing
/// changes.
/// </summary>
internal sealed class StatusEvents : IDisposable
{
    private readonly PairingWindow _pairing;
    private readonly DeviceService? _device;
    private readonly int _maxStreams;
    private TaskCompletionSource _changed = NewSource();
    private int _streams;

    public StatusEvents(PairingWindow pairing, DeviceService? device, WebOptions options)
    {
        _pairing = pairing;
        _device = device;
        _maxStreams = options.MaxEventStreams;
        _pairing.Changed += OnChanged;
        if (_device is not null)
        {
            _device.StatusChanged += OnChanged;
        }
    }

    /// <summary>Completes at the next change after this call.</summary>
    public Task NextChange => Volatile.Read(ref _changed).Task;

    /// <summary>Counts a stream in, unless Web:MaxEventStreams are open already.</summary>
    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _streams) <= _maxStreams)
        {
            return true;
        }

        Interlocked.Decrement(ref _streams);
        return false;
    }

    public void Leave() => Interlocked.Decrement(ref _streams);

    /// <summary>Something the view shows changed outside the pairing window and the LEDs (an account added from the page).</summary>
    public void Raise() => Interlocked.Exchange(ref _changed, NewSource()).TrySetResult();

    public void Dispose()
    {
        _pairing.Changed -= OnChanged;
        if (_device is not null)
        {
            _device.StatusChanged -= OnChanged;
        }
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void OnChanged(object? sender, EventArgs e) => Raise();
}
