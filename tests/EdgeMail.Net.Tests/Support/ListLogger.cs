using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Net.Tests.Support;

// Keeps every entry at every level, so tests can assert what was logged and that Debug formatting works.
internal sealed class ListLogger : ILogger<MailListenerService>, ILogger<CertificateProvider>
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _entries.Enqueue(new LogEntry(logLevel, formatter(state, exception), exception));
}
