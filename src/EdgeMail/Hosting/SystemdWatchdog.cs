using System.Globalization;
using EdgeMail.Cli;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Hosting;

/// <summary>
/// The systemd watchdog (systemd.service(5) WatchdogSec=, sd_watchdog_enabled(3)): when systemd asks for one, sends
/// WATCHDOG=1 every half of WATCHDOG_USEC (sd_watchdog_enabled(3) recommends half), each time only after the store
/// answered a probe, so that a service whose store hangs or fails stops being fed and systemd kills and restarts it.
/// Microsoft.Extensions.Hosting.Systemd sends READY=1 and STOPPING=1 only. A failed or hung probe skips the tick and is
/// logged once, then at most every <see cref="FailureLogInterval"/> while it lasts. Without a watchdog (no WATCHDOG_USEC,
/// a WATCHDOG_PID that is not ours, not under systemd) it does nothing and makes no timer.
/// </summary>
internal sealed partial class SystemdWatchdog : IHostedLifecycleService, IAsyncDisposable
{
    public const string IntervalVariable = "WATCHDOG_USEC";

    public const string PidVariable = "WATCHDOG_PID";

    /// <summary>While the probe keeps failing, a line this often (the first failure is logged at once).</summary>
    public static readonly TimeSpan FailureLogInterval = TimeSpan.FromMinutes(1);

    private static readonly ServiceState Watchdog = new("WATCHDOG=1");

    private readonly TimeSpan? _interval;
    private readonly ISystemdNotifier? _notifier;
    private readonly Func<TimeSpan, CancellationToken, Task> _probe;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private ITimer? _timer;
    private TimeSpan _probeTimeout;
    private int _ticking;
    private DateTimeOffset? _failingSince;
    private DateTimeOffset _lastFailureLogged;
    private int _skipped;

    /// <param name="interval">WatchdogSec, as <see cref="RequestedInterval"/> reads it from the environment; null: none.</param>
    /// <param name="notifier">The systemd notifier, when the host runs under systemd; null: not.</param>
    /// <param name="probe">Completes when the store answered within the given timeout; fails or hangs when it did not.</param>
    public SystemdWatchdog(TimeSpan? interval, ISystemdNotifier? notifier, Func<TimeSpan, CancellationToken, Task> probe, TimeProvider time, ILogger<SystemdWatchdog> logger)
    {
        _interval = interval;
        _notifier = notifier;
        _probe = probe;
        _time = time;
        _logger = logger;
    }

    /// <summary>The period of WATCHDOG=1 while the watchdog runs; null while it does not.</summary>
    public TimeSpan? Period => _timer is null ? null : _interval / 2;

    /// <summary>
    /// The watchdog interval systemd asks this process for, as sd_watchdog_enabled(3) decides it: WATCHDOG_USEC, a
    /// positive decimal number of microseconds; when WATCHDOG_PID is set it must be <paramref name="processId"/>
    /// (otherwise the request is for another process, a parent that passed its environment on). A malformed value is
    /// no request.
    /// </summary>
    public static TimeSpan? RequestedInterval(Func<string, string?> variable, int processId)
    {
        if (variable(PidVariable) is { } pid
            && (!int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var watchdogPid) || watchdogPid != processId))
        {
            return null;
        }

        // USEC_INFINITY (2^64-1) and anything beyond a TimeSpan mean no watchdog, as they do to sd_watchdog_enabled.
        if (!ulong.TryParse(variable(IntervalVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var usec)
            || usec == 0 || usec >= (ulong)(TimeSpan.MaxValue.Ticks / TimeSpan.TicksPerMicrosecond))
        {
            return null;
        }

        return TimeSpan.FromMicroseconds(usec);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Arms the timer once every service has started, just before the host says READY=1: systemd starts counting
    /// WatchdogSec when start-up completes (systemd.service(5)).
    /// </summary>
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (_interval is not { } interval || _notifier is not { IsEnabled: true })
        {
            return Task.CompletedTask;
        }

        var period = interval / 2;

        // The answer must come well within the period, so that a slow probe still feeds the watchdog before systemd's
        // deadline (the last WATCHDOG=1 plus the interval).
        _probeTimeout = period / 2;
        Enabled(_logger, period.TotalMilliseconds, _probeTimeout.TotalMilliseconds);
        _timer = _time.CreateTimer(static s => ((SystemdWatchdog)s!).OnTick(), this, period, period);
        return Task.CompletedTask;
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Hosted services stop in the reverse of their start order, and this one is registered first, so it pings while the
    /// listeners drain. After systemd's own SIGTERM that is moot (it stops the watchdog when the unit leaves the running
    /// state, and TimeoutStopSec= applies), but a stop the process begins itself (a service that failed) is still watched.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync().ConfigureAwait(false);

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_timer is { } timer)
        {
            await timer.DisposeAsync().ConfigureAwait(false);
        }

        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }
    }

    private void OnTick()
    {
        // A probe still waited for when the next tick comes has not answered: the tick is skipped like a failure.
        if (Interlocked.Exchange(ref _ticking, 1) == 1)
        {
            Failed(new TimeoutException("the previous probe has not finished"));
            return;
        }

        _ = TickAsync();
    }

    private async Task TickAsync()
    {
        Exception? failure = null;
        try
        {
            await _probe(_probeTimeout, _stopping.Token).WaitAsync(_probeTimeout, _time, _stopping.Token).ConfigureAwait(false);
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            _notifier!.Notify(Watchdog);
            lock (_gate)
            {
                if (_failingSince is { } since)
                {
                    Recovered(_logger, (_time.GetUtcNow() - since).TotalSeconds, _skipped);
                    _failingSince = null;
                    _skipped = 0;
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        finally
        {
            Volatile.Write(ref _ticking, 0);
        }

        if (failure is not null)
        {
            Failed(failure);
        }
    }

    /// <summary>Systemd gets no WATCHDOG=1 this time; said at once, then once a minute while it lasts.</summary>
    private void Failed(Exception ex)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            _skipped++;
            if (_failingSince is null)
            {
                _failingSince = now;
                _lastFailureLogged = now;
                ProbeFailed(_logger, Reason(ex));
            }
            else if (now - _lastFailureLogged >= FailureLogInterval)
            {
                _lastFailureLogged = now;
                StillFailing(_logger, (now - _failingSince.Value).TotalSeconds, _skipped, Reason(ex));
            }
        }
    }

    private string Reason(Exception ex) =>
        ex is TimeoutException ? $"no answer within {_probeTimeout.TotalMilliseconds:F0} ms" : CliProgram.OneLine(ex.Message);

    [LoggerMessage(EventId = 50, Level = LogLevel.Information, Message = "systemd watchdog: WATCHDOG=1 every {PeriodMs:F0} ms while the store answers a probe within {TimeoutMs:F0} ms")]
    private static partial void Enabled(ILogger logger, double periodMs, double timeoutMs);

    [LoggerMessage(EventId = 51, Level = LogLevel.Error, Message = "The store does not answer ({Reason}): no WATCHDOG=1 for systemd until it does; systemd restarts the service after WatchdogSec")]
    private static partial void ProbeFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 52, Level = LogLevel.Error, Message = "The store has not answered for {Seconds:F0} s ({Skipped} watchdog ticks skipped): {Reason}")]
    private static partial void StillFailing(ILogger logger, double seconds, int skipped, string reason);

    [LoggerMessage(EventId = 53, Level = LogLevel.Warning, Message = "The store answers again after {Seconds:F1} s ({Skipped} watchdog ticks skipped)")]
    private static partial void Recovered(ILogger logger, double seconds, int skipped);
}
