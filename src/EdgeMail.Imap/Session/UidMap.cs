namespace EdgeMail.Imap.Session;

/// <summary>
/// The sequence-number map of a selected mailbox (RFC 9051 §2.3.1.2: message n has the n-th smallest UID),
/// kept as runs of consecutive UIDs. A mailbox whose messages were mostly appended and rarely expunged is a
/// handful of runs whatever its size, so a thousand sessions idling on a 100,000-message INBOX cost bytes,
/// not 400 KB each. Lookups are binary searches over the runs.
/// </summary>
internal sealed class UidMap
{
    // Run i covers UIDs _starts[i] .. _starts[i] + _lengths[i] - 1, and messages _first[i] .. _first[i] + _lengths[i] - 1 (0-based).
    private readonly List<uint> _starts = [];
    private readonly List<int> _lengths = [];
    private readonly List<int> _first = [];

    public UidMap()
    {
    }

    public UidMap(IEnumerable<uint> ascending)
    {
        foreach (var uid in ascending)
        {
            Add(uid);
        }
    }

    public int Count { get; private set; }

    /// <summary>An independent copy, O(runs).</summary>
    public UidMap Clone()
    {
        var copy = new UidMap();
        copy._starts.AddRange(_starts);
        copy._lengths.AddRange(_lengths);
        copy._first.AddRange(_first);
        copy.Count = Count;
        return copy;
    }

    /// <summary>Applies a change idempotently: a new UID past the end is added, an expunged one removed if present.</summary>
    public void Apply(EdgeMail.Store.Changes.MailboxChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Kind == EdgeMail.Store.Changes.ChangeKind.Appended && change.Uid > MaxUid)
        {
            Add(change.Uid);
        }
        else if (change.Kind == EdgeMail.Store.Changes.ChangeKind.Expunged && BinarySearch(change.Uid) is >= 0 and var index)
        {
            RemoveAt(index);
        }
    }

    public uint MaxUid => _starts.Count == 0 ? 0 : _starts[^1] + (uint)_lengths[^1] - 1;

    /// <summary>Runs held: the memory cost is about 12 bytes per run.</summary>
    public int RunCount => _starts.Count;

    public uint this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            var run = RunOfIndex(index);
            return _starts[run] + (uint)(index - _first[run]);
        }
    }

    /// <summary>Appends a UID larger than every UID held (a new message).</summary>
    public void Add(uint uid)
    {
        if (Count > 0 && uid <= MaxUid)
        {
            throw new ArgumentException("UIDs are added in ascending order", nameof(uid));
        }

        if (_starts.Count > 0 && uid == MaxUid + 1)
        {
            _lengths[^1]++;
        }
        else
        {
            _starts.Add(uid);
            _lengths.Add(1);
            _first.Add(Count);
        }

        Count++;
    }

    /// <summary>The 0-based index of a UID, or the bitwise complement of where it would go (as List.BinarySearch).</summary>
    public int BinarySearch(uint uid)
    {
        int lo = 0, hi = _starts.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var start = _starts[mid];
            if (uid < start)
            {
                hi = mid - 1;
            }
            else if (uid >= start + (uint)_lengths[mid])
            {
                lo = mid + 1;
            }
            else
            {
                return _first[mid] + (int)(uid - start);
            }
        }

        return ~(lo < _starts.Count ? _first[lo] : Count);
    }

    public void RemoveAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        var run = RunOfIndex(index);
        var offset = index - _first[run];
        var length = _lengths[run];
        if (length == 1)
        {
            _starts.RemoveAt(run);
            _lengths.RemoveAt(run);
            _first.RemoveAt(run);
        }
        else if (offset == 0)
        {
            _starts[run]++;
            _lengths[run]--;
            run++;
        }
        else if (offset == length - 1)
        {
            _lengths[run]--;
            run++;
        }
        else
        {
            // Split the run around the removed UID.
            var uid = _starts[run] + (uint)offset;
            _lengths[run] = offset;
            _starts.Insert(run + 1, uid + 1);
            _lengths.Insert(run + 1, length - offset - 1);
            _first.Insert(run + 1, _first[run] + offset);
            run++;
        }

        for (var i = run; i < _first.Count; i++)
        {
            _first[i] = i == 0 ? 0 : _first[i - 1] + _lengths[i - 1];
        }

        Count--;
    }

    public IEnumerable<uint> Enumerate()
    {
        for (var run = 0; run < _starts.Count; run++)
        {
            for (var i = 0; i < _lengths[run]; i++)
            {
                yield return _starts[run] + (uint)i;
            }
        }
    }

    private int RunOfIndex(int index)
    {
        int lo = 0, hi = _first.Count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) >>> 1;
            if (_first[mid] <= index)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return lo;
    }
}
