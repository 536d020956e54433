using System.Net;

namespace EdgeMail.Net.Tests;

public sealed class ConnectionLimiterTests
{
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.10");
    private static readonly IPAddress Other = IPAddress.Parse("192.0.2.11");

    [Fact]
    public void Per_address_limit_refuses_that_address_only()
    {
        var limiter = new ConnectionLimiter(maxConnections: 100, maxConnectionsPerAddress: 2);

        Assert.True(limiter.TryAcquire(Client, out _));
        Assert.True(limiter.TryAcquire(Client, out _));
        Assert.False(limiter.TryAcquire(Client, out var reason));
        Assert.Equal(RejectReason.TooManyConnectionsFromAddress, reason);
        Assert.True(limiter.TryAcquire(Other, out _));
        Assert.Equal(3, limiter.Count);
        Assert.Equal(2, limiter.CountFor(Client));
    }

    [Fact]
    public void Global_limit_refuses_every_address()
    {
        var limiter = new ConnectionLimiter(maxConnections: 2, maxConnectionsPerAddress: 10);
        Assert.True(limiter.TryAcquire(Client, out _));
        Assert.True(limiter.TryAcquire(Other, out _));

        Assert.False(limiter.TryAcquire(IPAddress.Parse("198.51.100.1"), out var reason));
        Assert.Equal(RejectReason.TooManyConnections, reason);
    }

    [Fact]
    public void Release_frees_a_slot()
    {
        var limiter = new ConnectionLimiter(maxConnections: 1, maxConnectionsPerAddress: 1);
        Assert.True(limiter.TryAcquire(Client, out _));

        limiter.Release(Client);

        Assert.Equal(0, limiter.Count);
        Assert.Equal(0, limiter.CountFor(Client));
        Assert.True(limiter.TryAcquire(Client, out _));
    }

    [Fact]
    public void Release_without_acquire_is_a_bug_and_throws()
    {
        var limiter = new ConnectionLimiter(maxConnections: 1, maxConnectionsPerAddress: 1);

        Assert.Throws<InvalidOperationException>(() => limiter.Release(Client));
    }

    [Fact]
    public void IPv4_mapped_address_counts_as_its_IPv4_address()
    {
        var limiter = new ConnectionLimiter(maxConnections: 100, maxConnectionsPerAddress: 1);
        Assert.True(limiter.TryAcquire(Client, out _));

        Assert.False(limiter.TryAcquire(Client.MapToIPv6(), out _));
    }

    [Fact]
    public void IPv6_addresses_of_one_64_share_a_count()
    {
        var limiter = new ConnectionLimiter(maxConnections: 100, maxConnectionsPerAddress: 2);
        Assert.True(limiter.TryAcquire(IPAddress.Parse("2001:db8:1:2::1"), out _));
        Assert.True(limiter.TryAcquire(IPAddress.Parse("2001:db8:1:2:ffff::9"), out _));

        Assert.False(limiter.TryAcquire(IPAddress.Parse("2001:db8:1:2:1234:5678:9abc:def0"), out _));
        Assert.True(limiter.TryAcquire(IPAddress.Parse("2001:db8:1:3::1"), out _));
    }

    [Fact]
    public void Loopback_can_be_exempt_from_the_per_address_limit_but_not_from_the_total()
    {
        var limiter = new ConnectionLimiter(maxConnections: 3, maxConnectionsPerAddress: 1, loopbackExempt: true);
        Assert.True(limiter.TryAcquire(System.Net.IPAddress.Loopback, out _));
        Assert.True(limiter.TryAcquire(System.Net.IPAddress.Loopback, out _));
        Assert.True(limiter.TryAcquire(System.Net.IPAddress.Parse("192.0.2.1"), out _));
        Assert.False(limiter.TryAcquire(System.Net.IPAddress.Parse("192.0.2.2"), out var reason));
        Assert.Equal(RejectReason.TooManyConnections, reason);

        var strict = new ConnectionLimiter(maxConnections: 3, maxConnectionsPerAddress: 1, loopbackExempt: false);
        Assert.True(strict.TryAcquire(System.Net.IPAddress.Loopback, out _));
        Assert.False(strict.TryAcquire(System.Net.IPAddress.Loopback, out reason));
        Assert.Equal(RejectReason.TooManyConnectionsFromAddress, reason);
    }
}
