using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace EdgeMail.Net;

/// <summary>
/// Counts open connections across all endpoints (one singleton shared by every <see cref="MailListenerService"/>)
/// and refuses those over <see cref="NetOptions.MaxConnections"/> or <see cref="NetOptions.MaxConnectionsPerAddress"/>.
/// The check runs before the first byte is read, so a refused client costs no parsing and no TLS.
/// </summary>
public sealed class ConnectionLimiter
{
    private readonly Lock _lock = new();
    private readonly Dictionary<UInt128, int> _perAddress = [];
    private int _total;

    public ConnectionLimiter(IOptions<NetOptions> options)
        : this(options.Value.MaxConnections, options.Value.MaxConnectionsPerAddress, options.Value.LoopbackExemptFromAddressLimit)
    {
    }

    public ConnectionLimiter(int maxConnections, int maxConnectionsPerAddress, bool loopbackExempt = false)
    {
        LoopbackExempt = loopbackExempt;
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConnections, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConnectionsPerAddress, 1);
        MaxConnections = maxConnections;
        MaxConnectionsPerAddress = maxConnectionsPerAddress;
    }

    public int MaxConnections { get; }

    public int MaxConnectionsPerAddress { get; }

    /// <summary>Loopback clients (sendmail, local scripts) count towards the total only.</summary>
    public bool LoopbackExempt { get; }

    /// <summary>Connections open now, across all endpoints.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _total;
            }
        }
    }

    /// <summary>Connections open now from <paramref name="address"/> (or its IPv6 /64).</summary>
    public int CountFor(IPAddress address)
    {
        lock (_lock)
        {
            return _perAddress.GetValueOrDefault(Key(address));
        }
    }

    internal bool TryAcquire(IPAddress address, out RejectReason reason)
    {
        var key = Key(address);
        lock (_lock)
        {
            if (_total >= MaxConnections)
            {
                reason = RejectReason.TooManyConnections;
                return false;
            }

            _perAddress.TryGetValue(key, out int count);
            if (count >= MaxConnectionsPerAddress && !(LoopbackExempt && IPAddress.IsLoopback(address)))
            {
                reason = RejectReason.TooManyConnectionsFromAddress;
                return false;
            }

            _perAddress[key] = count + 1;
            _total++;
        }
        reason = default;
        return true;
    }

    internal void Release(IPAddress address)
    {
        var key = Key(address);
        lock (_lock)
        {
            if (!_perAddress.TryGetValue(key, out int count))
            {
                throw new InvalidOperationException($"Released {address} more often than it was acquired.");
            }
            if (count == 1)
            {
                _perAddress.Remove(key);
            }
            else
            {
                _perAddress[key] = count - 1;
            }
            _total--;
        }
    }

    // IPv4 (and IPv4-mapped IPv6, which a dual-stack socket reports) counts per address. IPv6 counts per /64:
    // one host or home network gets a whole /64 (RFC 4291 §2.5.1, RFC 6177 §2), so per-address counting would let
    // a single client open 2^64 times the limit.
    internal static UInt128 Key(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        Span<byte> bytes = stackalloc byte[16];
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            address.TryWriteBytes(bytes[12..], out _);
            bytes[10] = 0xFF;
            bytes[11] = 0xFF;
            return BinaryPrimitives.ReadUInt128BigEndian(bytes);
        }

        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }
}
