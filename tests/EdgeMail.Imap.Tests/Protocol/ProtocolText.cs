using System.Globalization;
using System.Text;
using EdgeMail.Imap.Protocol;
using FetchRequest = EdgeMail.Imap.Protocol.FetchRequest;

namespace EdgeMail.Imap.Tests.Protocol;

/// <summary>What the parsers return, written as text, so that a table row can state the expected record in one string.</summary>
internal static class ProtocolText
{
    public static ImapReader Reader(byte[] text) => new(text, 0, []);

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    public static string Set(SequenceSet set) =>
        set.IsSaved ? "$" : string.Join(',', set.Ranges.Select(r => r.First == r.Last ? Number(r.First) : $"{Number(r.First)}:{Number(r.Last)}"));

    public static string Fetch(FetchRequest r)
    {
        var items = new List<string> { Set(r.Set) + ":" };
        void Add(bool on, string name)
        {
            if (on)
            {
                items.Add(name);
            }
        }

        Add(r.Flags, "FLAGS");
        Add(r.InternalDate, "INTERNALDATE");
        Add(r.Size, "RFC822.SIZE");
        Add(r.Envelope, "ENVELOPE");
        Add(r.Body, "BODY");
        Add(r.BodyStructure, "BODYSTRUCTURE");
        Add(r.Uid, "UID");
        Add(r.ModSeq, "MODSEQ");
        foreach (var s in r.Sections)
        {
            items.Add(Section(s));
        }

        if (r.ChangedSince is { } since)
        {
            items.Add("CHANGEDSINCE " + since.ToString(CultureInfo.InvariantCulture));
        }

        Add(r.Vanished, "VANISHED");
        return string.Join(' ', items);
    }

    /// <summary>The label, then "peek" and the partial range; the part numbers and text are checked against the label.</summary>
    public static string Section(SectionItem s)
    {
        var text = new StringBuilder(s.Label);
        if (s.Peek)
        {
            text.Append("/peek");
        }

        if (s.PartialStart is { } start)
        {
            text.Append('<').Append(start).Append('.').Append(s.PartialCount).Append('>');
        }

        var part = string.Join('.', s.Part);
        Assert.True(s.Label.StartsWith("RFC822", StringComparison.Ordinal) ? part.Length == 0 : s.Label.Contains("[" + part, StringComparison.Ordinal), $"part {part} not in {s.Label}");
        Assert.Equal(s.Binary, s.Label.StartsWith("BINARY", StringComparison.Ordinal));
        Assert.Equal(s.SizeOnly, s.Label.StartsWith("BINARY.SIZE", StringComparison.Ordinal));
        Assert.Equal(s.Fields is not null, s.Text is SectionText.HeaderFields or SectionText.HeaderFieldsNot);
        return text.ToString();
    }

    public static string Search(SearchRequest r)
    {
        var text = new StringBuilder();
        if (r.Return is { } options)
        {
            text.Append("RETURN (").AppendJoin(' ', options).Append(") ");
        }

        if (r.Charset is { } charset)
        {
            text.Append("CHARSET ").Append(charset).Append(' ');
        }

        return text.Append(Key(r.Key)).ToString();
    }

    public static string Key(SearchKey key) => key switch
    {
        AllKey => "ALL",
        AndKey and => "(AND " + string.Join(' ', and.Keys.Select(Key)) + ")",
        OrKey or => $"(OR {Key(or.Left)} {Key(or.Right)})",
        NotKey not => $"(NOT {Key(not.Key)})",
        FlagKey flag => (flag.Negated ? "UN" : "") + flag.Flag,
        KeywordKey k => (k.Negated ? "UNKEYWORD " : "KEYWORD ") + k.Keyword,
        RecentKey recent => recent.Recent ? "RECENT" : "OLD",
        SizeKey size => (size.Larger ? "LARGER " : "SMALLER ") + size.Size.ToString(CultureInfo.InvariantCulture),
        DateKey date => (date.Sent ? "SENT" : "") + date.Comparison.ToString().ToUpperInvariant() + " " + date.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        HeaderKey header => $"HEADER {header.Field} \"{header.Value}\"",
        TextKey t => (t.IncludeHeader ? "TEXT" : "BODY") + $" \"{t.Value}\"",
        SetKey set => (set.ByUid ? "UID " : "SET ") + Set(set.Set),
        ModSeqKey modseq => "MODSEQ " + modseq.ModSeq.ToString(CultureInfo.InvariantCulture),
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "a search key this table does not know"),
    };

    private static string Number(uint n) => n == SequenceSet.Star ? "*" : n.ToString(CultureInfo.InvariantCulture);
}
