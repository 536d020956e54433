using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace EdgeMail.Net.Certificates;

/// <summary>The names and addresses a user may type to reach the box, which its server certificate must carry.</summary>
internal static class LocalNames
{
    /// <summary>The mDNS name the image advertises, whatever the host name (see the README's first-start section).</summary>
    public const string ApplianceName = "edgemail.local";

    /// <summary>
    /// RFC 6125 §6.4.4: clients match the SAN, not the CN. The host name, its mDNS name (Raspberry Pi OS answers
    /// to "&lt;host&gt;.local"), the image's own mDNS name and loopback; names that are not DNS names are left out.
    /// </summary>
    public static IReadOnlyList<string> DnsNames(string hostName)
    {
        string host = hostName.ToLowerInvariant();
        string? mdns = host.Contains('.', StringComparison.Ordinal) ? null : host + ".local";
        return new[] { host, mdns, ApplianceName, "localhost" }
            .Where(n => n is not null && IsDnsName(n))
            .Select(n => n!)
            .Distinct(StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>Loopback always, then the LAN addresses, in a stable order (so equal sets compare equal).</summary>
    public static IReadOnlyList<IPAddress> IpAddresses(IEnumerable<IPAddress> lan) =>
        new[] { IPAddress.Loopback, IPAddress.IPv6Loopback }
            .Concat(lan.Select(a => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a)
                .Where(IsLanAddress)
                .OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1)
                .ThenBy(a => a.GetAddressBytes(), ByteOrder.Instance))
            .Distinct()
            .ToArray();

    /// <summary>
    /// The box's current addresses: interfaces that are up, unicast, not loopback; IPv4, and IPv6 that is not
    /// link-local (a link-local address needs a zone, which no certificate can name).
    /// </summary>
    public static IReadOnlyList<IPAddress> SystemLanAddresses()
    {
        var addresses = new List<IPAddress>();
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                if (nic.OperationalStatus != OperationalStatus.Up || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback)
                {
                    continue;
                }
                foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
                {
                    if (IsLanAddress(unicast.Address))
                    {
                        addresses.Add(unicast.Address);
                    }
                }
            }
        }
        catch (NetworkInformationException)
        {
            // No interface list (a sandbox without netlink): the certificate keeps the names and loopback.
        }
        return addresses;
    }

    private static bool IsLanAddress(IPAddress address) =>
        !IPAddress.IsLoopback(address)
        && !address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any)
        && address.AddressFamily switch
        {
            AddressFamily.InterNetwork => true,
            AddressFamily.InterNetworkV6 => !address.IsIPv6LinkLocal && !address.IsIPv6Multicast,
            _ => false,
        };

    internal static bool IsDnsName(string name) =>
        name.Length is > 0 and <= 253
        && name.Split('.').All(label => label.Length is > 0 and <= 63
            && label[0] != '-' && label[^1] != '-'
            && label.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'));

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
