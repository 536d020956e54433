namespace EdgeMail.Imap.Session;

/// <summary>
/// The sequence-number map of a selected mailbox (RFC 9051 §2.3.1.2: message n has the n-th smallest UID),
/// kept as runs of consecutive UIDs. A mailbox whose messages were mostly appended and rarely expunged is a
/// handful of runs whatever its size, so a thousand sessions idling on a 100,000-message INBOX cost bytes,
/// not 400 KB each. Lookups are binary searches over the runs.
/// </summary>
internal sealed class UidMap
{
    // Run i covers UIDs Start .. Start + Length - 1, and messages First .. First + Length - 1 (0-based). One list of
    // 12-byte runs rather than three lists: a session in IDLE keeps its map, and each list is two more objects.
    private readonly List<Run> _runs;

    public UidMap()
    {
        _runs = [];
    }

    public UidMap(IEnumerable<uint> ascending)
        : this()
    {
        foreach (var uid in ascending)
        {
            Add(uid);
        }
    }

    private UidMap(List<Run> runs, int count)
    {
        _runs = runs;
        Count = count;
    }

    public int Count { get; private set; }

    /// <summary>An independent copy, O(runs), of exactly the size needed.</summary>
    public UidMap Clone() => new(new List<Run>(_runs), Count);

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

    public uint MaxUid => _runs.Count == 0 ? 0 : _runs[^1].Start + (uint)_runs[^1].Length - 1;

    /// <summary>Runs held: the memory cost is about 12 bytes per run.</summary>
    public int RunCount => _runs.Count;

    public uint this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            var run = _runs[RunOfIndex(index)];
            return run.Start + (uint)(index - run.First);
        }
    }

    /// <summary>Appends a UID larger than every UID held (a new message).</summary>
    public void Add(uint uid)
    {
        if (Count > 0 && uid <= MaxUid)
        {
            throw new ArgumentException("UIDs are added in ascending order", nameof(uid));
        }

        if (_runs.Count > 0 && uid == MaxUid + 1)
        {
            var last = _runs[^1];
            _runs[^1] = last with { Length = last.Length + 1 };
        }
        else
        {
            _runs.Add(new Run(uid, 1, Count));
        }

        Count++;
    }

    /// <summary>The 0-based index of a UID, or the bitwise complement of where it would go (as List.BinarySearch).</summary>
    public int BinarySearch(uint uid)
    {
        int lo = 0, hi = _runs.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var run = _runs[mid];
            if (uid < run.Start)
            {
                hi = mid - 1;
            }
            else if (uid >= run.Start + (uint)run.Length)
            {
                lo = mid + 1;
            }
            else
            {
                return run.First + (int)(uid - run.Start);
            }
        }

        return ~(lo < _runs.Count ? _runs[lo].First : Count);
    }

    public void RemoveAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        var i = RunOfIndex(index);
        var run = _runs[i];
        var offset = index - run.First;
        if (run.Length == 1)
        {
            _runs.RemoveAt(i);
        }
        else if (offset == 0)
        {
            _runs[i] = run with { Start = run.Start + 1, Length = run.Length - 1 };
            i++;
        }
        else if (offset == run.Length - 1)
        {
            _runs[i] = run with { Length = run.Length - 1 };
            i++;
        }
        else
        {
            // Split the run around the removed UID.
            _runs[i] = run with { Length = offset };
            _runs.Insert(i + 1, new Run(run.Start + (uint)offset + 1, run.Length - offset - 1, run.First + offset));
            i++;
        }

        for (; i < _runs.Count; i++)
        {
            _runs[i] = _runs[i] with { First = i == 0 ? 0 : _runs[i - 1].First + _runs[i - 1].Length };
        }

        Count--;
    }

    public IEnumerable<uint> Enumerate()
    {
        for (var r = 0; r < _runs.Count; r++)
        {
            var run = _runs[r];
            for (var i = 0; i < run.Length; i++)
            {
                yield return run.Start + (uint)i;
            }
        }
    }

    private int RunOfIndex(int index)
    {
        int lo = 0, hi = _runs.Count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) >>> 1;
            if (_runs[mid].First <= index)
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

    private readonly record struct Run(uint Start, int Length, int First);
}
