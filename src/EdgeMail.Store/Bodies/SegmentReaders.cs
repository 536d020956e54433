using Microsoft.Win32.SafeHandles;

namespace EdgeMail.Store.Bodies;

/// <summary>
/// Read handles of segment files, kept open and shared by every reader: a body read is then one positional
/// read, not an open, a lock and a close (on Linux, FileShare is emulated with flock). A handle is counted by
/// its users, so forgetting a segment (when it is deleted, or evicted past <see cref="MaxOpen"/>) closes it
/// only once the last reader is done; an unlinked file stays readable through an open handle.
/// </summary>
internal sealed class SegmentReaders(Func<long, string> pathOf) : IDisposable
{
    /// <summary>Segments kept open at once: 64 MiB each, so 32 cover the 2 GiB of mail read most recently.</summary>
    public const int MaxOpen = 32;

    private readonly Lock _gate = new();
    private readonly Dictionary<long, Entry> _open = [];
    private long _clock;

    /// <summary>A handle for reading the segment; dispose the lease when done with it.</summary>
    public Lease Acquire(long segment)
    {
        lock (_gate)
        {
            if (!_open.TryGetValue(segment, out var entry))
            {
                if (_open.Count >= MaxOpen)
                {
                    Evict();
                }

                var handle = File.OpenHandle(pathOf(segment), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

                // The cache's own reference.
                entry = new Entry(handle) { References = 1 };
                _open[segment] = entry;
            }

            entry.References++;
            entry.LastUsed = ++_clock;
            return new Lease(this, entry);
        }
    }

    /// <summary>The segment is gone (or going): drop the cache's reference; readers finish on their own.</summary>
    public void Forget(long segment)
    {
        lock (_gate)
        {
            if (_open.Remove(segment, out var entry))
            {
                Release(entry);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var entry in _open.Values)
            {
                Release(entry);
            }

            _open.Clear();
        }
    }

    private void Evict()
    {
        var oldest = _open.MinBy(e => e.Value.LastUsed);
        _open.Remove(oldest.Key);
        Release(oldest.Value);
    }

    private void Release(Entry entry)
    {
        lock (_gate)
        {
            if (--entry.References == 0)
            {
                entry.Handle.Dispose();
            }
        }
    }

    internal sealed class Entry(SafeFileHandle handle)
    {
        public SafeFileHandle Handle { get; } = handle;

        public int References { get; set; }

        public long LastUsed { get; set; }
    }

    /// <summary>One reader's use of a segment handle.</summary>
    public sealed class Lease : IDisposable
    {
        private readonly SegmentReaders _owner;
        private readonly Entry _entry;
        private int _disposed;

        internal Lease(SegmentReaders owner, Entry entry)
        {
            _owner = owner;
            _entry = entry;
        }

        public SafeFileHandle Handle => _entry.Handle;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                _owner.Release(_entry);
            }
        }
    }
}
