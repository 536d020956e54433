namespace EdgeMail.Imap.Protocol;

/// <summary>
/// A sequence-set (RFC 9051 §9 "sequence-set"): ranges of message numbers or UIDs, where
/// <see cref="Star"/> stands for "*" (the largest number in use), or "$" (RFC 5182 SEARCHRES, the saved result).
/// </summary>
public sealed class SequenceSet
{
    /// <summary>
    /// "*". Zero, which no seq-number can be (nz-number, RFC 9051 §9): 4294967295 is a number like any other and names
    /// UID 4294967295, not the largest UID in use.
    /// </summary>
    public const uint Star = 0;

    public SequenceSet(IReadOnlyList<(uint First, uint Last)> ranges, bool isSaved = false)
    {
        Ranges = ranges;
        IsSaved = isSaved;
    }

    public IReadOnlyList<(uint First, uint Last)> Ranges { get; }

    /// <summary>The set is "$": the result saved by the last SEARCH ... RETURN (SAVE).</summary>
    public bool IsSaved { get; }

    public static SequenceSet Saved { get; } = new([], isSaved: true);

    /// <summary>
    /// True if <paramref name="value"/> is in the set, where "*" is <paramref name="largest"/>. A range may be
    /// given in either order (RFC 9051 §9: "4:2" is "2:4").
    /// </summary>
    public bool Contains(uint value, uint largest)
    {
        foreach (var (first, last) in Ranges)
        {
            var a = first == Star ? largest : first;
            var b = last == Star ? largest : last;
            if (a > b)
            {
                (a, b) = (b, a);
            }

            if (value >= a && value <= b)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The smallest and largest values the set can name, with "*" as <paramref name="largest"/>.</summary>
    public (uint Min, uint Max) Bounds(uint largest)
    {
        uint min = uint.MaxValue, max = 0;
        foreach (var (first, last) in Ranges)
        {
            var a = first == Star ? largest : first;
            var b = last == Star ? largest : last;
            min = Math.Min(min, Math.Min(a, b));
            max = Math.Max(max, Math.Max(a, b));
        }

        return (min, max);
    }

    /// <summary>Formats ascending values compactly ("1:3,7"), as UIDPLUS and ESEARCH send them.</summary>
    public static string Format(IEnumerable<uint> ascending)
    {
        var builder = new System.Text.StringBuilder();
        uint start = 0, previous = 0;
        var open = false;
        foreach (var value in ascending)
        {
            if (open && value == previous + 1)
            {
                previous = value;
                continue;
            }

            if (open)
            {
                Append(builder, start, previous);
            }

            start = previous = value;
            open = true;
        }

        if (open)
        {
            Append(builder, start, previous);
        }

        return builder.ToString();

        static void Append(System.Text.StringBuilder b, uint from, uint to)
        {
            if (b.Length > 0)
            {
                b.Append(',');
            }

            b.Append(from.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (to != from)
            {
                b.Append(':').Append(to.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }
}
