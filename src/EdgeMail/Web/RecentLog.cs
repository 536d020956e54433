using EdgeMail.Web.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Web;

/// <summary>
/// A logger provider that keeps the last <see cref="Capacity"/> lines at Information and above in a ring, for the
/// admin page. Formatting happens only for lines that pass the level, and one lock guards the ring.
/// </summary>
internal sealed class RecentLog(TimeProvider time) : ILoggerProvider, IRecentLog
{
    public const int Capacity = 200;

    private readonly Lock _gate = new();
    private readonly LogLine?[] _ring = new LogLine?[Capacity];
    private int _next;
    private int _count;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public IReadOnlyList<LogLine> Lines()
    {
        lock (_gate)
        {
            var lines = new List<LogLine>(_count);
            for (int i = 0; i < _count; i++)
            {
                lines.Add(_ring[(_next - _count + i + Capacity) % Capacity]!);
            }
            return lines;
        }
    }

    public void Dispose()
    {
    }

    private void Add(LogLine line)
    {
        lock (_gate)
        {
            _ring[_next] = line;
            _next = (_next + 1) % Capacity;
            _count = Math.Min(_count + 1, Capacity);
        }
    }

    private sealed class Logger(RecentLog owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var level = logLevel switch
            {
                LogLevel.Information => "info",
                LogLevel.Warning => "warn",
                LogLevel.Error => "fail",
                _ => "crit",
            };

            // The message only: an exception's text can carry a path, never a secret, but its stack trace is for the journal.
            var message = formatter(state, null);
            if (exception is not null)
            {
                message += " (" + exception.GetType().Name + ": " + exception.Message + ")";
            }
            owner.Add(new LogLine(owner.Time.GetUtcNow(), level, category, message.Length > 1000 ? message[..1000] + "…" : message));
        }
    }

    private TimeProvider Time => time;
}
