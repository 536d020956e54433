using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace EdgeMail.Imap.Tests.Mime;

/// <summary>
/// The MIME corpus in Mime/Corpus: each message round-trips through APPEND and FETCH BODY[] (byte for byte, but for
/// bare LFs, which get their CR at delivery: RFC 9051 §2.3.1), and its BODYSTRUCTURE, ENVELOPE and BINARY answers
/// are exactly the .bodystructure, .envelope and .binary files next to it (RFC 9051 §7.5.2, RFC 3516).
///
/// The expected files were checked against the RFCs and against Dovecot 2.3.19 (Debian's dovecot-imapd, the same
/// messages in a Maildir): where the RFC allows either answer they are Dovecot's, since clients are tuned to it.
/// Deliberate differences from Dovecot:
/// - A multipart or message/rfc822 part that ends with a nested multipart's close delimiter ends there: the CRLF
///   before the next boundary belongs to that boundary (RFC 2046 §5.1.1). Dovecot counts it into the part, so its
///   sizes are 2 more, and a message/rfc822's line count 1 more (forwarded: 449 and 17 here, 451 and 18 there;
///   deep-nested BODY[1] and BODY[1.1]).
/// - Message-ID and In-Reply-To folded onto the next line are trimmed ("&lt;folded@example.com&gt;"); Dovecot keeps
///   the folding white space (" &lt;folded@...&gt;", "\t&lt;parent@...&gt;"), which no client wants in an id.
/// - A string is quoted wherever that is safe (Dovecot sends a literal for a folded subject or a name with a quote).
/// - BINARY of a multipart is its content as it stands; Dovecot re-encodes the parts inside it (nested: 278, not 265).
/// - BINARY of a message/rfc822 sent in base64 is the decoded message (rfc822-base64: 254); Dovecot answers
///   BINARY.SIZE 0 but BINARY[2] with the 350 encoded bytes.
/// - Base64 with characters outside its alphabet answers NO [UNKNOWN-CTE] (RFC 3516 §4.1); Dovecot says NO [PARSE].
///   Dovecot also refuses BINARY of the readable text part of that message; EdgeMail decodes it.
/// </summary>
public sealed class CorpusTests(ImapServer server) : IClassFixture<ImapServer>
{
    private static readonly string CorpusFolder = Path.Combine(AppContext.BaseDirectory, "Mime", "Corpus");

    public static TheoryData<string> Messages()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(CorpusFolder, "*.eml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileNameWithoutExtension(path));
        }

        return data;
    }

    internal static byte[] Load(string name) => File.ReadAllBytes(Path.Combine(CorpusFolder, name + ".eml"));

    /// <summary>APPENDs the bytes as they are (a LITERAL+ literal) and returns the new UID from APPENDUID.</summary>
    internal static async Task<uint> AppendAsync(Transcript t, byte[] message)
    {
        var create = await t.CommandAsync("c CREATE Corpus");
        Assert.Matches("^c (OK|NO \\[ALREADYEXISTS\\])", create[^1]);
        await t.SendAsync([.. Encoding.ASCII.GetBytes($"a APPEND Corpus {{{message.Length}+}}\r\n"), .. message, (byte)'\r', (byte)'\n']);
        var reply = await t.ReadUntilTaggedAsync("a");
        var m = Regex.Match(reply[^1], @"^a OK \[APPENDUID \d+ (\d+)\]");
        Assert.True(m.Success, string.Join("\n", reply));
        var select = await t.CommandAsync("s SELECT Corpus");
        Assert.StartsWith("s OK", select[^1]);
        return uint.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>The value of one FETCH item (as the server wrote it, literals inline) from UID FETCH.</summary>
    internal static async Task<string> FetchItemAsync(Transcript t, uint uid, string item, string responseItem)
    {
        var reply = await t.CommandAsync($"f UID FETCH {uid} ({item})");
        Assert.True(reply[^1].StartsWith("f OK", StringComparison.Ordinal), string.Join("\n", reply));
        var line = reply.Single(l => l.StartsWith("* ", StringComparison.Ordinal) && l.Contains(" FETCH (", StringComparison.Ordinal));
        var start = line.IndexOf(responseItem + " ", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no {responseItem} in {line}");
        start += responseItem.Length + 1;
        return line[start..ValueEnd(line, start)];
    }

    /// <summary>The end of the IMAP value at <paramref name="i"/>: a parenthesized list, a quoted string, a literal or an atom.</summary>
    private static int ValueEnd(string s, int i)
    {
        var m = Regex.Match(s[i..], @"^~?\{(\d+)\}\r\n");
        if (m.Success)
        {
            return i + m.Length + int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        }

        if (s[i] == '"')
        {
            for (var j = i + 1; ; j++)
            {
                if (s[j] == '\\')
                {
                    j++;
                }
                else if (s[j] == '"')
                {
                    return j + 1;
                }
            }
        }

        if (s[i] == '(')
        {
            var j = i + 1;
            while (s[j] != ')')
            {
                j = s[j] == ' ' ? j + 1 : ValueEnd(s, j);
            }

            return j + 1;
        }

        var end = i;
        while (end < s.Length && s[end] is not (' ' or ')' or '('))
        {
            end++;
        }

        return end;
    }

    /// <summary>The data of a literal value ("{n}\r\n" + n octets), as octets.</summary>
    internal static byte[] LiteralBytes(string value)
    {
        var m = Regex.Match(value, @"^~?\{(\d+)\}\r\n");
        Assert.True(m.Success, "not a literal: " + value[..Math.Min(value.Length, 80)]);
        return Encoding.Latin1.GetBytes(value[m.Length..]);
    }

    internal static string Expected(string name, string kind)
    {
        var path = Path.Combine(CorpusFolder, $"{name}.{kind}");
        Assert.True(File.Exists(path), $"missing expected file {name}.{kind}");
        return Encoding.Latin1.GetString(File.ReadAllBytes(path)).TrimEnd('\r', '\n');
    }

    internal static async Task<byte[]> FetchSectionAsync(ImapServer server, uint uid, string section, int? offset = null, int? count = null)
    {
        using var client = await server.ConnectAsync();
        var folder = await client.GetFolderAsync("Corpus");
        await folder.OpenAsync(FolderAccess.ReadOnly);
        using var stream = offset is { } o
            ? await folder.GetStreamAsync(new UniqueId(uid), section, o, count!.Value)
            : await folder.GetStreamAsync(new UniqueId(uid), section);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        await client.DisconnectAsync(true);
        return copy.ToArray();
    }

    /// <summary>The message as IMAP serves it: every bare LF with its CR (RFC 5322 §2.3).</summary>
    internal static byte[] WithCrlf(byte[] message)
    {
        var output = new List<byte>(message.Length + 64);
        for (var i = 0; i < message.Length; i++)
        {
            if (message[i] == (byte)'\n' && (i == 0 || message[i - 1] != (byte)'\r'))
            {
                output.Add((byte)'\r');
            }

            output.Add(message[i]);
        }

        return [.. output];
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public async Task Corpus_message_round_trips_through_append_and_fetch_body_with_CRLF_line_ends(string name)
    {
        var served = WithCrlf(Load(name));
        await using var t = await Transcript.ConnectAsync(server);
        var uid = await AppendAsync(t, Load(name));
        Assert.Equal(served, await FetchSectionAsync(server, uid, string.Empty));
        Assert.Equal($"{served.Length}", await FetchItemAsync(t, uid, "RFC822.SIZE", "RFC822.SIZE"));
    }

    /// <summary>
    /// Each line of a .binary file is "section BINARY.SIZE BODY-size": BINARY.SIZE[section] and the length of
    /// BINARY[section] are the first (or both answer NO [UNKNOWN-CTE]), the length of BODY[section] the second.
    /// </summary>
    [Theory]
    [MemberData(nameof(Messages))]
    public async Task Corpus_message_sections_have_the_checked_binary_and_body_sizes(string name)
    {
        await using var t = await Transcript.ConnectAsync(server);
        var uid = await AppendAsync(t, Load(name));
        foreach (var line in Expected(name, "binary").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (section, binary, body) = line.Split(' ') is [var a, var b, var c] ? (a, b, c) : throw new InvalidDataException(line);
            Assert.Equal(body, $"{LiteralBytes(await FetchItemAsync(t, uid, $"BODY.PEEK[{section}]", $"BODY[{section}]")).Length}");
            if (binary == "UNKNOWN-CTE")
            {
                foreach (var item in (string[])[$"BINARY.SIZE[{section}]", $"BINARY.PEEK[{section}]"])
                {
                    var reply = await t.CommandAsync($"f UID FETCH {uid} ({item})");
                    Assert.StartsWith("f NO [UNKNOWN-CTE]", reply[^1], StringComparison.Ordinal);
                }

                continue;
            }

            Assert.Equal(binary, await FetchItemAsync(t, uid, $"BINARY.SIZE[{section}]", $"BINARY.SIZE[{section}]"));
            Assert.Equal(binary, $"{LiteralBytes(await FetchItemAsync(t, uid, $"BINARY.PEEK[{section}]", $"BINARY[{section}]")).Length}");
        }
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public async Task Corpus_message_has_the_hand_checked_bodystructure_and_envelope(string name)
    {
        await using var t = await Transcript.ConnectAsync(server);
        var uid = await AppendAsync(t, Load(name));
        Assert.Equal(Expected(name, "bodystructure"), await FetchItemAsync(t, uid, "BODYSTRUCTURE", "BODYSTRUCTURE"));
        Assert.Equal(Expected(name, "envelope"), await FetchItemAsync(t, uid, "ENVELOPE", "ENVELOPE"));
    }

    [Theory]
    [InlineData("nested", "Quarterly report", "Alice Example", "report.pdf", "Hello Ann,")]
    [InlineData("forwarded", "Fwd: Lunch", "Dave", null, "See below.")]
    [InlineData("broken", "broken", "Mallory", null, "first part")]
    [InlineData("eightbit", "Grüße aus Köln", "Jörg Müller", null, "Schöne Grüße")]
    [InlineData("encoded-words", "Émélie and café", "François", "resume.txt", "Café au lait.")]
    public async Task Corpus_message_in_MailKit_shows_its_subject_sender_attachment_and_text(string name, string subject, string sender, string? attachment, string text)
    {
        uint uid;
        await using (var t = await Transcript.ConnectAsync(server))
        {
            uid = await AppendAsync(t, Load(name));
        }

        using var client = await server.ConnectAsync();
        var folder = await client.GetFolderAsync("Corpus");
        await folder.OpenAsync(FolderAccess.ReadOnly);
        var summary = (await folder.FetchAsync([new UniqueId(uid)], MessageSummaryItems.Envelope | MessageSummaryItems.BodyStructure | MessageSummaryItems.PreviewText)).Single();
        Assert.StartsWith(text, summary.PreviewText);
        Assert.Equal(subject, summary.Envelope!.Subject);
        Assert.Equal(sender, summary.Envelope.From.Mailboxes.Single().Name);
        Assert.Equal(attachment is null ? [] : [attachment], summary.Attachments.Select(a => a.FileName));

        // The text a mail client shows: found from BODYSTRUCTURE, fetched by section, decoded.
        var part = summary.TextBody ?? summary.BodyParts.First(p => p.ContentType.IsMimeType("text", "*"));
        var entity = (TextPart)await folder.GetBodyPartAsync(new UniqueId(uid), part);
        Assert.StartsWith(text, entity.Text);
        await client.DisconnectAsync(true);
    }
}
