namespace EdgeMail.Smtp.Relay;

/// <summary>Retry delays: the first after Relay:FirstRetryDelay, doubling up to Relay:MaxRetryDelay (1, 2, 4 ... 60 minutes).</summary>
internal static class Backoff
{
    public static TimeSpan After(int attempts, RelayOptions options)
    {
        var delay = options.FirstRetryDelay;
        for (var i = 1; i < attempts && delay < options.MaxRetryDelay; i++)
        {
            delay *= 2;
        }

        return delay < options.MaxRetryDelay ? delay : options.MaxRetryDelay;
    }
}
