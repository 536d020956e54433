using EdgeMail.Hosting;
using EdgeMail.Testing;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Tests.Hosting;

/// <summary>The watchdog on a manual clock, with a notifier that records and a probe the test answers, fails or hangs.</summary>
public sealed class SystemdWatchdogTests : IAsyncDisposable
{
    private const int OwnPid = 4242;

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Half = TimeSpan.FromSeconds(15);

    private readonly ManualTimeProvider _time = new();
    private readonly RecordingNotifier _notifier = new();
    private readonly CollectingLoggerFactory _logs = new();
    private readonly List<SystemdWatchdog> _started = [];
    private Func<Task> _answer = () => Task.CompletedTask;
    private int _probes;

    public async ValueTask DisposeAsync()
    {
        foreach (var watchdog in _started)
        {
            await watchdog.DisposeAsync();
        }
    }

    private int Pings => _notifier.States.Count(s => s == "WATCHDOG=1");

    private IReadOnlyList<LogEntry> Errors => [.. _logs.Entries.Where(e => e.Level == LogLevel.Error)];

    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    private async Task<SystemdWatchdog> StartAsync(TimeSpan? interval)
    {
        var watchdog = new SystemdWatchdog(interval, _notifier, (_, _) => { _probes++; return _answer(); }, _time, new Logger<SystemdWatchdog>(_logs));
        _started.Add(watchdog);
        await watchdog.StartAsync(CancellationToken.None);
        await watchdog.StartedAsync(CancellationToken.None);
        return watchdog;
    }

    [Fact]
    public async Task Pings_at_half_the_interval_none_while_the_probe_fails_and_again_once_it_answers()
    {
        var interval = SystemdWatchdog.RequestedInterval(Environment(("WATCHDOG_USEC", "30000000")), OwnPid);
        Assert.Equal(Interval, interval);
        var watchdog = await StartAsync(interval);
        Assert.Equal(Half, watchdog.Period);

        _time.Advance(Half - TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, Pings);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, Pings);
        _time.Advance(Half);
        Assert.Equal(2, Pings);

        // The store fails: no ping, for as long as it lasts; said once.
        _answer = () => Task.FromException(new IOException("disk I/O error"));
        for (var i = 0; i < 3; i++)
        {
            _time.Advance(Half);
        }

        Assert.Equal(2, Pings);
        var error = Assert.Single(Errors);
        Assert.Contains("disk I/O error", error.Message, StringComparison.Ordinal);

        // It answers again: pings resume at the next tick, and the recovery is said.
        _answer = () => Task.CompletedTask;
        _time.Advance(Half);
        Assert.Equal(3, Pings);
        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("answers again", StringComparison.Ordinal) && e.Message.Contains("3 watchdog ticks skipped", StringComparison.Ordinal));
        Assert.Equal(6, _probes);
        Assert.All(_notifier.States, s => Assert.Equal("WATCHDOG=1", s));
    }

    [Fact]
    public async Task A_probe_that_hangs_skips_the_tick_once_its_timeout_passes_and_the_next_tick_asks_again()
    {
        var watchdog = await StartAsync(Interval);
        _time.Advance(Half);
        Assert.Equal(1, Pings);

        var hung = new TaskCompletionSource();
        _answer = () => hung.Task;
        _time.Advance(Half);
        Assert.Equal(1, Pings);

        // The probe's timeout (half the period) passes without an answer: the tick is given up, and said.
        _time.Advance(Half / 2);
        await Eventually.TrueAsync(() => Errors.Count == 1, "the hung probe logged");
        Assert.Contains("no answer within 7500 ms", Errors[0].Message, StringComparison.Ordinal);

        // An answer after the timeout is too late for that tick; the next tick probes again and pings.
        hung.SetResult();
        Assert.Equal(1, Pings);
        _answer = () => Task.CompletedTask;
        _time.Advance(Half / 2);
        Assert.Equal(2, Pings);
        Assert.Equal(3, _probes);
        Assert.Equal(Half, watchdog.Period);
    }

    [Fact]
    public async Task A_lasting_failure_is_logged_once_a_minute_not_at_every_tick()
    {
        await StartAsync(Interval);
        _answer = () => Task.FromException(new InvalidOperationException("database disk image is malformed"));

        // Twenty ticks over five minutes: at 15 s, then at 75, 135, 195 and 255 s.
        for (var i = 0; i < 20; i++)
        {
            _time.Advance(Half);
        }

        Assert.Equal(0, Pings);
        Assert.Equal(5, Errors.Count);
        Assert.Contains("has not answered for 240 s (17 watchdog ticks skipped)", Errors[^1].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null)]                 // no WatchdogSec in the unit
    [InlineData("30000000", "4243")]         // the request is for another process (a parent that passed its environment on)
    [InlineData("30000000", "not-a-pid")]
    [InlineData("0", null)]
    [InlineData("-30000000", null)]
    [InlineData("30s", null)]
    [InlineData("18446744073709551615", null)] // USEC_INFINITY
    public async Task Without_a_watchdog_for_this_process_it_makes_no_timer_and_never_probes(string? usec, string? pid)
    {
        var variables = new List<(string, string)>();
        if (usec is not null)
        {
            variables.Add(("WATCHDOG_USEC", usec));
        }

        if (pid is not null)
        {
            variables.Add(("WATCHDOG_PID", pid));
        }

        var interval = SystemdWatchdog.RequestedInterval(Environment([.. variables]), OwnPid);
        Assert.Null(interval);
        var watchdog = await StartAsync(interval);

        Assert.Null(watchdog.Period);
        Assert.Equal(0, _time.PendingTimers);
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Empty(_notifier.States);
        Assert.Equal(0, _probes);
    }

    [Theory]
    [InlineData("400000", null, 400)]
    [InlineData("400000", "4242", 400)]      // WATCHDOG_PID naming this process
    [InlineData("180000000", null, 180_000)]
    public void The_interval_is_WATCHDOG_USEC_when_the_request_is_ours(string usec, string? pid, int expectedMs)
    {
        var variables = pid is null ? [("WATCHDOG_USEC", usec)] : new[] { ("WATCHDOG_USEC", usec), ("WATCHDOG_PID", pid) };
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), SystemdWatchdog.RequestedInterval(Environment(variables), OwnPid));
    }

    [Fact]
    public async Task Not_under_systemd_it_makes_no_timer_even_when_an_interval_is_set()
    {
        _notifier.IsEnabled = false;
        var watchdog = await StartAsync(Interval);

        Assert.Null(watchdog.Period);
        Assert.Equal(0, _time.PendingTimers);
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(0, _probes);
    }

    [Fact]
    public async Task Once_stopped_it_pings_no_more_and_leaves_no_timer()
    {
        var watchdog = await StartAsync(Interval);
        _time.Advance(Half);
        Assert.Equal(1, Pings);

        await watchdog.StopAsync(CancellationToken.None);
        Assert.Equal(0, _time.PendingTimers);
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, Pings);
    }

    private sealed class RecordingNotifier : ISystemdNotifier
    {
        private readonly List<string> _states = [];

        public bool IsEnabled { get; set; } = true;

        public IReadOnlyList<string> States
        {
            get
            {
                lock (_states)
                {
                    return [.. _states];
                }
            }
        }

        public void Notify(ServiceState state)
        {
            lock (_states)
            {
                _states.Add(state.ToString());
            }
        }
    }
}
