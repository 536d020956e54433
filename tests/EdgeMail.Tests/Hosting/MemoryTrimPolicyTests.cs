using EdgeMail.Hosting;

namespace EdgeMail.Tests.Hosting;

public sealed class MemoryTrimPolicyTests
{
    private static readonly MemoryOptions Options = new() { TrimAfterQuiet = TimeSpan.FromSeconds(2), TrimMinimumAllocatedBytes = 4 << 20 };

    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void Trims_once_a_burst_has_been_followed_by_quiet()
    {
        var policy = new MemoryTrimPolicy(Options, 0, S(0));
        Assert.False(policy.Sample(10 << 20, S(1)));   // the burst
        Assert.False(policy.Sample(10 << 20, S(2)));   // quiet for 1 s
        Assert.True(policy.Sample(10 << 20, S(3)));    // quiet for 2 s
        policy.Trimmed(10 << 20);
        Assert.False(policy.Sample(10 << 20, S(4)));   // nothing new since
        Assert.False(policy.Sample(10 << 20, S(60)));
    }

    [Fact]
    public void Does_not_trim_while_allocation_goes_on()
    {
        var policy = new MemoryTrimPolicy(Options, 0, S(0));
        long allocated = 0;
        for (int second = 1; second <= 30; second++)
        {
            allocated += 1 << 20;  // a steady 1 MiB/s: never quiet
            Assert.False(policy.Sample(allocated, S(second)));
        }
    }

    [Fact]
    public void Small_growth_is_not_worth_a_collection()
    {
        var policy = new MemoryTrimPolicy(Options, 0, S(0));
        Assert.False(policy.Sample(200 * 1024, S(1)));
        Assert.False(policy.Sample(300 * 1024, S(10)));
        Assert.False(policy.Sample(300 * 1024, S(100)));
    }

    [Fact]
    public void Zero_turns_trimming_off()
    {
        var policy = new MemoryTrimPolicy(new MemoryOptions { TrimAfterQuiet = TimeSpan.Zero }, 0, S(0));
        Assert.False(policy.Sample(100 << 20, S(1)));
        Assert.False(policy.Sample(100 << 20, S(100)));
    }

    [Theory]
    [InlineData("-00:00:01", "Memory:TrimAfterQuiet")]
    [InlineData("02:00:00", "Memory:TrimAfterQuiet")]
    public void Out_of_range_quiet_period_is_refused(string value, string key)
    {
        var problem = MemoryOptions.FirstProblem(new MemoryOptions { TrimAfterQuiet = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture) });
        Assert.NotNull(problem);
        Assert.StartsWith(key, problem, StringComparison.Ordinal);
    }
}
