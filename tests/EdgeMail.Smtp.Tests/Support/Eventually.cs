namespace EdgeMail.Smtp.Tests.Support;

internal static class Eventually
{
    /// <summary>Polls (every 20 ms of real time, at most <paramref name="seconds"/>) until the condition holds.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, int seconds = 15)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < until)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(20);
        }

        Assert.Fail($"timed out waiting for: {what}");
    }
}
