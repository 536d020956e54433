
namespace EdgeMail.Imap.Tests.Mime;

/// <summary>
/// The MIME corpus (EdgeMail.Testing/Corpus): each message round-trips through APPEND and FETCH BODY[] (byte for byte, but for
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
    [Theory]
    [MemberData(nameof(MimeCorpus.Rows), MemberType = typeof(MimeCorpus))]
    public async Task Corpus_message_round_trips_through_append_and_fetch_body_with_CRLF_line_ends(string name)
    {
        var served = CorpusSession.WithCrlf(MimeCorpus.Load(name));
        await using var t = await Transcript.ConnectAsync(server);
        var uid = await CorpusSession.AppendAsync(t, MimeCorpus.Load(name));
        Assert.Equal(served, await CorpusSession.FetchSectionAsync(server, uid, string.Empty));
        Assert.Equal($"{served.Length}", await CorpusSession.FetchItemAsync(t, uid, "RFC822.SIZE", "RFC822.SIZE"));
    }

    /// <summary>
    /// Each line of a .binary file is "section BINARY.SIZE BODY-size": BINARY.SIZE[section] and the length of
    /// BINARY[section] are the first (or both answer NO [UNKNOWN-CTE]), the length of BODY[section] the second.
    /// </summary>
    [Theory]
    [MemberData(nameof(MimeCorpus.Rows), MemberType = typeof(MimeCorpus))]
    public async Task Corpus_message_sections_have_the_checked_binary_and_body_sizes(string name)
    {
        await using var t = await Transcript.ConnectAsync(server);
        var uid = await CorpusSession.AppendAsync(t, MimeCorpus.Load(name));
        foreach (var line in MimeCorpus.Expected(name, "binary").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (section, binary, body) = line.Split(' ') is [var a, var b, var c] ? (a, b, c) : throw new InvalidDataException(line);
            Assert.Equal(body, $"{CorpusSession.LiteralBytes(await CorpusSession.FetchItemAsync(t, uid, $"BODY.PEEK[{section}]", $"BODY[{section}]")).Length}");
            if (binary == "UNKNOWN-CTE")
            {
                foreach (var item in (string[])[$"BINARY.SIZE[{section}]", $"BINARY.PEEK[{section}]"])
                {
                    var reply = await t.CommandAsync($"f UID FETCH {uid} ({item})");
                    Assert.StartsWith("f NO [UNKNOWN-CTE]", reply[^1], StringComparison.Ordinal);
                }

                continue;
            }

            Assert.Equal(binary, await CorpusSession.FetchItemAsync(t, uid, $"BINARY.SIZE[{section}]", $"BINARY.SIZE[{section}]"));
            Assert.Equal(binary, $"{CorpusSession.LiteralBytes(await CorpusSession.FetchItemAsync(t, uid, $"BINARY.PEEK[{section}]", $"BINARY[{section}]")).Length}");
        }
    }

    [Theory]
    [MemberData(nameof(MimeCorpus.Rows), MemberType = typeof(MimeCorpus))]
    public async Task Corpus_message_has_the_hand_checked_bodystructure_and_envelope(string name)
    {
        await using var t = await Transcript.ConnectAsync(server);
        var uid = await CorpusSession.AppendAsync(t, MimeCorpus.Load(name));
        Assert.Equal(MimeCorpus.Expected(name, "bodystructure"), await CorpusSession.FetchItemAsync(t, uid, "BODYSTRUCTURE", "BODYSTRUCTURE"));
        Assert.Equal(MimeCorpus.Expected(name, "envelope"), await CorpusSession.FetchItemAsync(t, uid, "ENVELOPE", "ENVELOPE"));
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
            uid = await CorpusSession.AppendAsync(t, MimeCorpus.Load(name));
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
