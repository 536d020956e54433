using System.Text;
using EdgeMail.Store.Messages;

namespace EdgeMail.Imap.Protocol;

/// <summary>A message's flag-list as FETCH FLAGS sends it (RFC 9051 §2.3.2, §7.5.2): system flags, \Recent, keywords.</summary>
internal static class FlagText
{
    /// <summary>The parenthesized list; <paramref name="recent"/> adds the session flag \Recent (RFC 3501 §2.3.2).</summary>
    public static string Format(MessageFlags flags, IReadOnlyList<string>? keywords, bool recent = false)
    {
        var b = new StringBuilder("(");
        void Add(string f)
        {
            if (b.Length > 1)
            {
                b.Append(' ');
            }

            b.Append(f);
        }

        if ((flags & MessageFlags.Seen) != 0)
        {
            Add("\\Seen");
        }

        if ((flags & MessageFlags.Answered) != 0)
        {
            Add("\\Answered");
        }

        if ((flags & MessageFlags.Flagged) != 0)
        {
            Add("\\Flagged");
        }

        if ((flags & MessageFlags.Deleted) != 0)
        {
            Add("\\Deleted");
        }

        if ((flags & MessageFlags.Draft) != 0)
        {
            Add("\\Draft");
        }

        if (recent)
        {
            // RFC 3501 §2.3.2: a session flag, never stored.
            Add("\\Recent");
        }

        foreach (var k in keywords ?? [])
        {
            Add(k);
        }

        return b.Append(')').ToString();
    }
}
