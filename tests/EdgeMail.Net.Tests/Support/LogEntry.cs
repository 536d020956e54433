using Microsoft.Extensions.Logging;

namespace EdgeMail.Net.Tests.Support;

internal sealed record LogEntry(LogLevel Level, string Message, Exception? Exception);
