using System.IO.Pipelines;
using System.Text.Json;
using EdgeMail.Imap.Commands;
using EdgeMail.Imap.Protocol;
using EdgeMail.Store.Messages;
using EdgeMail.Store.Mime;
using MimeKit;

namespace EdgeMail.Fuzz.Targets;

/// <summary>
/// MIME intake as delivery does it: the message written into MessageStaging (bare LF gets its CR), summarized by
/// MimeSummarizer with Storage:MaxMimeDepth's default, the summary serialized as stored and read back as FETCH reads
/// it, then BODYSTRUCTURE, BODY and ENVELOPE written as IMAP sends them. MimeKit gives up with FormatException, which
/// the summarizer catches; nothing may escape. The offsets must lie in the stored message, each part inside its parent,
/// and what is written must parse as one IMAP value.
/// </summary>
internal static class MimeTarget
{
    private const int MaxMimeDepth = 64; // StoreOptions.MaxMimeDepth
    private static readonly string TempFolder = Directory.CreateTempSubdirectory("edgemail-fuzz-").FullName;
    private static readonly System.Text.Json.Serialization.Metadata.JsonTypeInfo<MessageSummary> Json = SummaryJsonContext.For(MaxMimeDepth);

    public static void Run(byte[] input)
    {
        byte[] stored;
        long size;
        using (var staging = new MessageStaging(TempFolder, 1 << 20, 1 << 24, convertLineEnds: true))
        {
            // In 100-byte writes, as DATA lines and BDAT chunks arrive, so CRLF pairs fall across writes.
            for (var at = 0; at < input.Length; at += 100)
            {
                staging.Write(input.AsSpan(at, Math.Min(100, input.Length - at)));
            }

            using var prepared = staging.CompleteAsync(Summarize, Json, CancellationToken.None).GetAwaiter().GetResult();
            stored = prepared.SummaryBytes;
            size = prepared.Size;
        }

        var summary = JsonSerializer.Deserialize(stored, Json);
        InvariantViolation.Check(summary is not null, "a stored summary reads back");
        InvariantViolation.Check(JsonSerializer.SerializeToUtf8Bytes(summary!, Json).AsSpan().SequenceEqual(stored), "a summary read back serializes to the same bytes");
        InvariantViolation.Check(summary!.CrlfLength is { } crlf && crlf >= size, "the CRLF length is at least the stored length");
        CheckPart(summary.Body, 0, size, 0);

        foreach (var utf8 in (bool[])[false, true])
        {
            Check(w => BodyStructureWriter.Write(w, summary.Body, extended: true), utf8, "BODYSTRUCTURE");
            Check(w => BodyStructureWriter.Write(w, summary.Body, extended: false), utf8, "BODY");
            Check(w => EnvelopeWriter.Write(w, summary.Envelope), utf8, "ENVELOPE");
        }
    }

    private static MessageSummary Summarize(Stream stream) =>
        MimeSummarizer.Summarize(stream, new ParserOptions { MaxMimeDepth = MaxMimeDepth }, CancellationToken.None);

    private static void CheckPart(BodyPart part, long from, long to, int depth)
    {
        InvariantViolation.Check(depth <= (2 * MaxMimeDepth) + 2, "the part tree is no deeper than MaxMimeDepth allows");
        InvariantViolation.Check(from <= part.HeaderOffset && part.HeaderOffset <= part.BodyOffset && part.BodyOffset <= part.EndOffset && part.EndOffset <= to, $"part offsets {part.HeaderOffset}/{part.BodyOffset}/{part.EndOffset} lie in order within {from}..{to}");
        InvariantViolation.Check(part.Lines >= 0, "a line count is not negative");
        InvariantViolation.Check(part.MediaType.Length > 0 && part.MediaSubtype.Length > 0, "a part has a media type and subtype");
        foreach (var child in part.Parts ?? [])
        {
            CheckPart(child, part.BodyOffset, part.EndOffset, depth + 1);
        }
    }

    private static void Check(Action<ResponseWriter> write, bool utf8, string what)
    {
        using var buffer = new MemoryStream();
        var pipe = PipeWriter.Create(buffer, new StreamPipeWriterOptions(leaveOpen: true));
        var writer = new ResponseWriter(pipe) { Utf8Quoted = utf8 };
        write(writer);
        writer.FlushAsync(CancellationToken.None).GetAwaiter().GetResult();
        pipe.Complete();
        var written = buffer.ToArray();
        try
        {
            ImapSyntax.CheckValue(written, utf8, what);
        }
        catch (InvariantViolation ex)
        {
            // Say what was written, so that a finding can be read without a debugger.
            var text = string.Concat(written.Take(400).Select(b => b is >= 0x20 and < 0x7F ? ((char)b).ToString() : $"\\x{b:x2}"));
            throw new InvariantViolation($"{ex.Message} in: {text}");
        }
    }
}
