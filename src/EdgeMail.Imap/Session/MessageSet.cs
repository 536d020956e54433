using EdgeMail.Imap.Protocol;

namespace EdgeMail.Imap.Session;

/// <summary>Turns a sequence-set into the UIDs it names in the client's view (RFC 9051 §6.4.8, §9 seq-number).</summary>
internal static class MessageSet
{
    /// <summary>
    /// The UIDs, ascending. For message sequence numbers, a number past the last message is an error
    /// (RFC 9051 §9: "seq-number ... MUST be ... valid"); for UIDs, numbers not in use are ignored and "*" is the
    /// largest UID, so "n:*" always names at least the last message (RFC 9051 §6.4.8).
    /// </summary>
    public static List<uint> Resolve(SelectedMailbox selected, SequenceSet set, bool byUid, int max)
    {
        if (set.IsSaved)
        {
            // RFC 5182 §2.1: "$" is the saved result, which holds UIDs.
            return selected.SavedSearch.Where(u => selected.SequenceOf(u) != 0).ToList();
        }

        var result = new List<uint>();
        var uids = selected.Uids;
        if (byUid)
        {
            var largest = selected.MaxUid;
            var (min, top) = set.Bounds(largest);
            var start = uids.BinarySearch(min);
            if (start < 0)
            {
                start = ~start;
            }

            for (var i = start; i < uids.Count && uids[i] <= top; i++)
            {
                if (set.Contains(uids[i], largest))
                {
                    Add(result, uids[i], max);
                }
            }

            return result;
        }

        var count = (uint)uids.Count;
        foreach (var (first, last) in set.Ranges)
        {
            var a = first == SequenceSet.Star ? count : first;
            var b = last == SequenceSet.Star ? count : last;
            if (a > b)
            {
                (a, b) = (b, a);
            }

            if (b > count || a == 0)
            {
                throw ProtocolException.Bad(null, count == 0 ? "the mailbox is empty" : $"invalid message sequence number (the mailbox has {count})");
            }
        }

        var (lo, hi) = set.Bounds(count);
        for (var seq = lo; seq <= hi && seq <= count; seq++)
        {
            if (set.Contains(seq, count))
            {
                Add(result, uids[(int)seq - 1], max);
            }
        }

        return result;
    }

    private static void Add(List<uint> result, uint uid, int max)
    {
        if (result.Count >= max)
        {
            throw ProtocolException.No("LIMIT", $"at most {max} messages per command");
        }

        result.Add(uid);
    }
}
