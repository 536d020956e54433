namespace EdgeMail.Web.Hosting;

/// <summary>
/// The service's latest log lines for the admin page (the host keeps them in memory). The log never holds passwords or
/// message bodies (CONVENTIONS: logging), and the failed-login log is already summarised, so the lines are shown as they are.
/// </summary>
public interface IRecentLog
{
    /// <summary>The latest lines, oldest first.</summary>
    IReadOnlyList<LogLine> Lines();
}

/// <summary>One log line: when, the level (<c>info</c>, <c>warn</c>, <c>fail</c>, <c>crit</c>), the category, the message.</summary>
public sealed record LogLine(DateTimeOffset At, string Level, string Category, string Message);
