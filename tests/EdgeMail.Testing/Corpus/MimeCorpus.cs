using System.Text;

namespace EdgeMail.Testing.Corpus;

/// <summary>
/// The MIME corpus: each message is Corpus/NAME.eml, with the answers checked by hand beside it
/// (NAME.bodystructure, NAME.envelope: RFC 9051 §7.5.2; NAME.binary: RFC 3516 sizes per section).
/// The files are copied next to each test assembly that references EdgeMail.Testing.
/// </summary>
public static class MimeCorpus
{
    public static string Folder { get; } = Path.Combine(AppContext.BaseDirectory, "Corpus");

    /// <summary>Every message's name, in ordinal order.</summary>
    public static IReadOnlyList<string> Names { get; } =
        [.. Directory.GetFiles(Folder, "*.eml").Select(p => Path.GetFileNameWithoutExtension(p)).Order(StringComparer.Ordinal)];

    /// <summary>One row per message name, for a theory's MemberData.</summary>
    public static IEnumerable<object[]> Rows => Names.Select(n => new object[] { n });

    /// <summary>The message's bytes exactly as in the file (bare LFs kept).</summary>
    public static byte[] Load(string name) => File.ReadAllBytes(PathOf(name, "eml"));

    /// <summary>An expected-answer file (kind "bodystructure", "envelope" or "binary") as Latin-1 text without its final line end.</summary>
    public static string Expected(string name, string kind) =>
        Encoding.Latin1.GetString(File.ReadAllBytes(PathOf(name, kind))).TrimEnd('\r', '\n');

    private static string PathOf(string name, string kind)
    {
        var path = Path.Combine(Folder, $"{name}.{kind}");
        return File.Exists(path) ? path : throw new FileNotFoundException($"the corpus has no {name}.{kind}", path);
    }
}
