namespace EdgeMail.Net.Tests.Support;

// For state that settles on the server just after the client has seen the effect (a slot released after the
// socket closed): poll briefly, fail if it never holds.
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(5));
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold in time.");
            await Task.Delay(10);
        }
    }
}
