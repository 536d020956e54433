namespace EdgeMail.Testing.Imap;

/// <summary>VANISHED [(EARLIER)] known-uids (RFC 7162 §3.2.10).</summary>
public sealed class ImapVanished
{
    public bool Earlier { get; init; }

    public required string UidSet { get; init; }

    /// <summary>The UIDs of <see cref="UidSet"/>, ranges expanded.</summary>
    public IEnumerable<uint> Uids()
    {
        foreach (var part in UidSet.Split(','))
        {
            var bounds = part.Split(':');
            var a = uint.Parse(bounds[0], System.Globalization.CultureInfo.InvariantCulture);
            var b = bounds.Length > 1 ? uint.Parse(bounds[1], System.Globalization.CultureInfo.InvariantCulture) : a;
            for (var u = Math.Min(a, b); ; u++)
            {
                yield return u;
                if (u == Math.Max(a, b))
                {
                    break;
                }
            }
        }
    }
}
