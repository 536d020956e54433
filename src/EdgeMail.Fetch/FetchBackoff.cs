namespace EdgeMail.Fetch;

/// <summary>The wait after <c>failures</c> failed attempts in a row: Fetch:FirstRetryDelay, doubled each time, at most Fetch:MaxRetryDelay (1, 2, 4 ... 30 minutes).</summary>
internal static class FetchBackoff
{
    public static TimeSpan After(int failures, FetchOptions options)
    {
        var delay = options.FirstRetryDelay;
        for (var i = 1; i < failures && delay < options.MaxRetryDelay; i++)
        {
            delay *= 2;
        }

        return delay < options.MaxRetryDelay ? delay : options.MaxRetryDelay;
    }
}
