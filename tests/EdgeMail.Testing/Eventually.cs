namespace EdgeMail.Testing;

/// <summary>
/// For state that settles on the server just after the client has seen the effect (a slot released after the
/// socket closed, a body file removed after the commit, a queue drained by the runner): poll on the real clock
/// and fail, naming what was awaited, if it never holds. The one place where tests poll.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan DefaultPoll = TimeSpan.FromMilliseconds(10);

    public static Task TrueAsync(Func<bool> condition, string what = "the condition", TimeSpan? timeout = null, TimeSpan? poll = null) =>
        TrueAsync(() => Task.FromResult(condition()), what, timeout, poll);

    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, TimeSpan? poll = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var deadline = DateTime.UtcNow + limit;
        while (!await condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"timed out after {limit.TotalSeconds} s waiting for: {what}");
            }

            await Task.Delay(poll ?? DefaultPoll);
        }
    }
}
