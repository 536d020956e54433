using Microsoft.Extensions.Logging;

namespace EdgeMail.Testing;

/// <summary>One log call as the server made it.</summary>
public sealed record LogEntry(LogLevel Level, string Category, string Message, Exception? Exception)
{
    public override string ToString() => $"{Level} {Category}: {Message}{(Exception is null ? string.Empty : " " + Exception)}";
}
