using MailKit;

namespace EdgeMail.CrashHarness;

/// <summary>Flags as the ledger writes them: system flags and keywords, sorted, space-separated, \Recent left out (RFC 9051 drops it).</summary>
internal static class Flags
{
    private static readonly (MessageFlags Flag, string Name)[] System =
    [
        (MessageFlags.Answered, @"\Answered"), (MessageFlags.Deleted, @"\Deleted"), (MessageFlags.Draft, @"\Draft"),
        (MessageFlags.Flagged, @"\Flagged"), (MessageFlags.Seen, @"\Seen"),
    ];

    public static SortedSet<string> Parse(string? flags) =>
        new(string.IsNullOrEmpty(flags) ? [] : flags.Split(' '), StringComparer.Ordinal);

    public static string Format(IEnumerable<string> flags) => string.Join(' ', flags.Order(StringComparer.Ordinal));

    public static string Of(MessageFlags flags, IEnumerable<string> keywords) =>
        Format(System.Where(s => flags.HasFlag(s.Flag)).Select(s => s.Name).Concat(keywords));

    public static MessageFlags ToSystem(string name) => System.Single(s => s.Name == name).Flag;
}
