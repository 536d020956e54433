using System.Buffers;

namespace EdgeMail.Net.Tests.Support;

// Counts the bytes rented and not yet returned, and the peak, to show that a connection never buffers more than
// its caps allow.
internal sealed class CountingMemoryPool : MemoryPool<byte>
{
    private long _outstanding;
    private long _peak;

    public long OutstandingBytes => Interlocked.Read(ref _outstanding);

    public long PeakBytes => Interlocked.Read(ref _peak);

    public override int MaxBufferSize => Shared.MaxBufferSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        var inner = Shared.Rent(minBufferSize);
        long now = Interlocked.Add(ref _outstanding, inner.Memory.Length);
        long peak;
        while (now > (peak = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, peak) != peak)
        {
        }
        return new Owner(this, inner);
    }

    protected override void Dispose(bool disposing)
    {
    }

    private sealed class Owner(CountingMemoryPool pool, IMemoryOwner<byte> inner) : IMemoryOwner<byte>
    {
        private int _disposed;

        public Memory<byte> Memory => inner.Memory;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Add(ref pool._outstanding, -inner.Memory.Length);
                inner.Dispose();
            }
        }
    }
}
