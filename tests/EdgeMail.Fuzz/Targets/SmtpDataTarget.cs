using System.IO.Pipelines;
using EdgeMail.Net;
using EdgeMail.Smtp.Protocol;

namespace EdgeMail.Fuzz.Targets;

/// <summary>
/// A whole client stream through the SMTP framing, in 13-byte segments: command lines capped as the session caps them,
/// DATA read line by line to the &lt;CRLF&gt;.&lt;CRLF&gt; that alone ends it (a dot ended by a bare LF does not:
/// SMTP smuggling), dot-unstuffed as Commands/Data.cs does, and BDAT chunks copied by count (RFC 3030 §2).
/// </summary>
internal static class SmtpDataTarget
{
    private const int MaxCommandBytes = 512; // RFC 5321 §4.5.3.1.4
    private const int MaxTextLineBytes = 1000; // RFC 5321 §4.5.3.1.6, small so that the fuzzer reaches the cap
    private const long MaxMessageBytes = 1 << 20;

    public static void Run(byte[] input)
    {
        var pipe = PipeReader.Create(ChunkedSequence.Of(input, 13));
        using var lines = new LineReader(pipe);
        while (true)
        {
            var result = lines.ReadLineAsync(MaxCommandBytes, Timeout.InfiniteTimeSpan).AsTask().GetAwaiter().GetResult();
            if (result.Status == LineReadStatus.Closed)
            {
                return;
            }

            InvariantViolation.Check(result.Status is LineReadStatus.Line or LineReadStatus.TooLong, "only a timer ends a line read with TimedOut");
            CheckLine(result, MaxCommandBytes);
            if (result.Status == LineReadStatus.TooLong)
            {
                continue;
            }

            var line = result.Line.ToArray();
            var reader = new SmtpCommandReader(line);
            if (!reader.TryReadVerb(out var verb))
            {
                continue;
            }

            if (verb == "DATA" && !Data(lines))
            {
                return;
            }

            if (verb == "BDAT")
            {
                var args = new SmtpCommandReader(line.AsMemory(verb.Length));
                if (!args.TryReadBdat(out var bdat) || bdat.Size > MaxMessageBytes)
                {
                    // Without a size, or beyond the limit, the session says goodbye (Commands/Data.cs).
                    return;
                }

                using var chunk = new MemoryStream();
                var copied = lines.CopyBytesAsync(bdat.Size, chunk, Timeout.InfiniteTimeSpan).AsTask().GetAwaiter().GetResult();
                if (copied == CopyStatus.Closed)
                {
                    return;
                }

                InvariantViolation.Check(copied == CopyStatus.Completed && chunk.Length == bdat.Size, "a completed BDAT chunk holds exactly its announced size");
            }

            _ = lines.HasBufferedLine();
        }
    }

    // False when the client left in the middle of the data.
    private static bool Data(LineReader lines)
    {
        using var body = new MemoryStream();
        while (true)
        {
            var result = lines.ReadLineAsync(MaxTextLineBytes, Timeout.InfiniteTimeSpan).AsTask().GetAwaiter().GetResult();
            if (result.Status == LineReadStatus.Closed)
            {
                return false;
            }

            CheckLine(result, MaxTextLineBytes);
            if (result.Status == LineReadStatus.TooLong)
            {
                continue;
            }

            var line = result.Line.Span;
            if (line.Length == 1 && line[0] == '.' && !result.EndsWithBareLineFeed)
            {
                return true;
            }

            if (line.Length > 0 && line[0] == '.')
            {
                line = line[1..];
            }

            if (body.Length + line.Length + 2 <= MaxMessageBytes)
            {
                body.Write(line);
                body.Write("\r\n"u8);
            }
        }
    }

    private static void CheckLine(LineReadResult result, int max)
    {
        var line = result.Line.Span;
        if (result.Status == LineReadStatus.TooLong)
        {
            InvariantViolation.Check(line.Length <= 64, "a refused line keeps at most its first 64 bytes");
            return;
        }

        InvariantViolation.Check(line.IndexOf((byte)'\n') < 0, "a line holds no LF");
        InvariantViolation.Check(line.Length + (result.EndsWithBareLineFeed ? 1 : 2) <= max, "a line with its terminator fits the cap");
    }
}
