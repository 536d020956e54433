using System.Globalization;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Auth.Login;

/// <summary>
/// Failed logins, logged without letting a flood write the disk full: the first failure from an address is logged at
/// once, the next ones from it within <see cref="Interval"/> are counted, and one summary line per address says how
/// many there were when the interval ends. Past a bound on tracked addresses, the rest are counted together.
/// Thread-safe. Never logs a password; the user name is logged as sent, trimmed and stripped of control characters.
/// </summary>
internal sealed class FailedLoginLog : IDisposable
{
    /// <summary>One summary line per address per minute, as the failures' first line plus a count.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private const int MaxUserNameLength = 64;

    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly int _maxAddresses;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Window> _windows = new(StringComparer.Ordinal);

    // The open windows in the order they opened, so the timer finds the due ones at the head.
    private readonly Queue<Window> _order = new();
    private ITimer? _timer;
    private DateTimeOffset _timerDue = DateTimeOffset.MaxValue;
    private bool _disposed;
    private long _overflow;
    private DateTimeOffset _overflowSince;

    public FailedLoginLog(ILogger logger, TimeProvider time, int maxAddresses)
    {
        _logger = logger;
        _time = time;
        _maxAddresses = maxAddresses;
    }

    public void Record(string address, string? userName, string protocol, string mechanism, LoginOutcome outcome)
    {
        var user = Clean(userName);
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (_windows.TryGetValue(address, out var window))
            {
                window.Suppressed++;
                window.LastUser = user;
                window.LastProtocol = protocol;
                window.LastMechanism = mechanism;
                return;
            }

            if (_windows.Count >= _maxAddresses)
            {
                if (_overflow++ == 0)
                {
                    _overflowSince = now;
                }

                Arm(_overflowSince + Interval);
                return;
            }

            window = new Window(address, now) { LastUser = user, LastProtocol = protocol, LastMechanism = mechanism };
            _windows.Add(address, window);
            _order.Enqueue(window);
            Arm(window.Opened + Interval);
        }

        Log.LoginFailed(_logger, address, user, protocol, mechanism, outcome);
    }

    /// <summary>Writes the summaries of the windows that have ended (all of them when disposing); the timer calls it.</summary>
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
                _windows.Remove(window.Address);
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
            Log.LoginFailuresSummary(_logger, window.Suppressed, window.Address, Interval.TotalSeconds, window.LastUser, window.LastProtocol, window.LastMechanism);
        }

        if (overflow > 0)
        {
            Log.LoginFailuresOverflow(_logger, overflow, Math.Round(overflowSeconds), _maxAddresses);
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
            _timer = _time.CreateTimer(static state => ((FailedLoginLog)state!).Flush(all: false), this, wait, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _timer.Change(wait, Timeout.InfiniteTimeSpan);
        }
    }

    private static string Clean(string? userName)
    {
        if (string.IsNullOrEmpty(userName))
        {
            return "(none)";
        }

        var text = userName.Length > MaxUserNameLength ? userName[..MaxUserNameLength] + "…" : userName;
        return string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                // Control and format characters (a bidirectional override could disguise the line) become '?'.
                span[i] = char.IsControl(source[i]) || CharUnicodeInfo.GetUnicodeCategory(source[i]) == UnicodeCategory.Format ? '?' : source[i];
            }
        });
    }

    private sealed class Window(string address, DateTimeOffset opened)
    {
        public string Address { get; } = address;

        public DateTimeOffset Opened { get; } = opened;

        public int Suppressed { get; set; }

        public string LastUser { get; set; } = string.Empty;

        public string LastProtocol { get; set; } = string.Empty;

        public string LastMechanism { get; set; } = string.Empty;
    }
}
