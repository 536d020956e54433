using System.Net;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Net;

/// <summary>
/// What a stranger can make the network layer log as often as it likes (a connection refused at a limit, a STARTTLS
/// injection), logged without letting it write the disk full, as Auth's failed logins are: the first from an address
/// (an IPv6 /64 counting as one, as for the limits) is logged at once, the next ones of that kind from it within
/// <see cref="Interval"/> are counted, and one summary line says how many when the interval ends. Past a bound on
/// tracked addresses the rest are counted together. One instance is shared by every listener. Thread-safe.
/// </summary>
public sealed class ClientEventLog : IDisposable
{
    /// <summary>One summary line per address and kind per minute.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly int _maxAddresses;
    private readonly Lock _gate = new();
    private readonly Dictionary<(Kind, UInt128), Window> _windows = [];

    // The open windows in the order they opened, so the timer finds the due ones at the head.
    private readonly Queue<Window> _order = new();
    private ITimer? _timer;
    private DateTimeOffset _timerDue = DateTimeOffset.MaxValue;
    private bool _disposed;
    private long _overflow;
    private DateTimeOffset _overflowSince;

    public ClientEventLog(ILogger<ClientEventLog> logger, TimeProvider? time = null)
        : this((ILogger)logger, time ?? TimeProvider.System, 10_000)
    {
    }

    internal ClientEventLog(ILogger logger, TimeProvider time, int maxAddresses)
    {
        _logger = logger;
        _time = time;
        _maxAddresses = maxAddresses;
    }

    private enum Kind
    {
        Refused,
        StartTlsInjection,
    }

    /// <summary>A connection refused by <see cref="ConnectionLimiter"/>.</summary>
    public void Refused(IPEndPoint remote, string endpoint, RejectReason reason)
    {
        ArgumentNullException.ThrowIfNull(remote);
        if (Open(Kind.Refused, remote, endpoint, reason.ToString()))
        {
            _logger.ConnectionRejected(remote, endpoint, reason);
        }
    }

    /// <summary>A client that sent more after STARTTLS, before the handshake (CVE-2011-0411); its connection is closed.</summary>
    public void StartTlsInjection(string connectionId, IPEndPoint remote, string endpoint)
    {
        ArgumentNullException.ThrowIfNull(remote);
        if (Open(Kind.StartTlsInjection, remote, endpoint, ""))
        {
            _logger.StartTlsInjection(connectionId, remote, endpoint);
        }
    }

    // True when this is the first of its kind from the address in the interval (log it now); else it is counted.
    private bool Open(Kind kind, IPEndPoint remote, string endpoint, string detail)
    {
        var key = (kind, ConnectionLimiter.Key(remote.Address));
        lock (_gate)
        {
            if (_disposed)
            {
                return false;
            }

            var now = _time.GetUtcNow();
            if (_windows.TryGetValue(key, out var window))
            {
                window.Suppressed++;
                window.LastEndpoint = endpoint;
                window.LastDetail = detail;
                return false;
            }

            if (_windows.Count >= _maxAddresses)
            {
                if (_overflow++ == 0)
                {
                    _overflowSince = now;
                }

                Arm(_overflowSince + Interval);
                return false;
            }

            window = new Window(kind, key.Item2, remote.Address, now) { LastEndpoint = endpoint, LastDetail = detail };
            _windows.Add(key, window);
            _order.Enqueue(window);
            Arm(window.Opened + Interval);
            return true;
        }
    }

    // Writes the summaries of the windows that have ended (all of them when disposing); the timer calls it.
    private void Flush(bool all)
    {
        List<Window>? due = null;
        long overflow = 0;
        var overflowSeconds = 0.0;
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            while (_order.TryPeek(out var window) && (all || window.Opened + Interval <= now))
            {
                _order.Dequeue();
                _windows.Remove((window.Kind, window.Key));
                if (window.Suppressed > 0)
                {
                    (due ??= []).Add(window);
                }
            }

            if (_overflow > 0 && (all || _overflowSince + Interval <= now))
            {
                overflow = _overflow;
                overflowSeconds = (now - _overflowSince).TotalSeconds;
                _overflow = 0;
            }

            _timerDue = DateTimeOffset.MaxValue;
            if (_order.TryPeek(out var next))
            {
                Arm(next.Opened + Interval);
            }

            if (_overflow > 0)
            {
                Arm(_overflowSince + Interval);
            }
        }

        foreach (var window in due ?? [])
        {
            if (window.Kind == Kind.Refused)
            {
                _logger.ConnectionsRejectedSummary(window.Suppressed, window.Address, Interval.TotalSeconds, window.LastEndpoint, window.LastDetail);
            }
            else
            {
                _logger.StartTlsInjectionsSummary(window.Suppressed, window.Address, Interval.TotalSeconds, window.LastEndpoint);
            }
        }

        if (overflow > 0)
        {
            _logger.ClientEventsOverflow(overflow, Math.Round(overflowSeconds), _maxAddresses);
        }
    }

    /// <summary>Stops the timer and writes what is still counted, so that a shutdown loses no summary.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _timer?.Dispose();
            _timer = null;
        }

        Flush(all: true);
    }

    // Under the lock: the timer fires at the earliest due summary.
    private void Arm(DateTimeOffset due)
    {
        if (_disposed || due >= _timerDue)
        {
            return;
        }

        _timerDue = due;
        var wait = due - _time.GetUtcNow();
        wait = wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1);
        if (_timer is null)
        {
            _timer = _time.CreateTimer(static state => ((ClientEventLog)state!).Flush(all: false), this, wait, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _timer.Change(wait, Timeout.InfiniteTimeSpan);
        }
    }

    private sealed class Window(Kind kind, UInt128 key, IPAddress address, DateTimeOffset opened)
    {
        public Kind Kind { get; } = kind;

        public UInt128 Key { get; } = key;

        public IPAddress Address { get; } = address;

        public DateTimeOffset Opened { get; } = opened;

        public int Suppressed { get; set; }

        public string LastEndpoint { get; set; } = "";

        public string LastDetail { get; set; } = "";
    }
}
