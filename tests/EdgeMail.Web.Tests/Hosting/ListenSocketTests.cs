using System.Net;
using System.Net.Sockets;
using EdgeMail.Web.Hosting;

namespace EdgeMail.Web.Tests.Hosting;

/// <summary>
/// Network:Bind "*" gives the page 0.0.0.0 and [::] on one port, as it gives the mail listeners; Kestrel's default [::]
/// socket is dual-stack and, once both listen, collides with the 0.0.0.0 one (what the booted SD image showed). The
/// sockets here are bound, never listened on: nothing accepts a connection (and unlistened sockets with SO_REUSEADDR
/// share a port either way, so the IPv6-only flag is what is asserted).
/// </summary>
public sealed class ListenSocketTests
{
    [Fact]
    public void The_IPv6_any_socket_is_IPv6_only_so_it_binds_beside_the_IPv4_any_socket_on_the_same_port()
    {
        if (!Socket.OSSupportsIPv6)
        {
            return;
        }

        using var ipv4 = WebServer.BindListenSocket(new IPEndPoint(IPAddress.Any, 0));
        var port = ((IPEndPoint)ipv4.LocalEndPoint!).Port;
        using var ipv6 = WebServer.BindListenSocket(new IPEndPoint(IPAddress.IPv6Any, port));

        Assert.False(ipv6.DualMode);
        Assert.Equal(port, ((IPEndPoint)ipv6.LocalEndPoint!).Port);
    }
}
