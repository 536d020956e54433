using System.Buffers;
using System.Globalization;
using EdgeMail.Imap.Protocol;
using EdgeMail.Net;
using EdgeMail.Store;

namespace EdgeMail.Imap.Session;

/// <summary>What came in instead of, or as, a command.</summary>
internal enum ReadStatus
{
    Command,
    Garbage,
    TooLong,
    Refused,
    TimedOut,
    Closed,
}

internal readonly record struct ReadOutcome(ReadStatus Status, ImapCommand? Command = null, string? Tag = null, string? Code = null, string? Text = null, bool Close = false);

/// <summary>
/// Assembles one command from its lines and literals (RFC 9051 §4.3, §7.5 command continuation request;
/// RFC 7888 LITERAL+ / LITERAL-). A literal's size is checked before the "+" is sent; small literals join the
/// command text, and APPEND's message literal beyond Imap:LiteralSpoolBytes goes into the store's staging stream.
/// </summary>
internal sealed class CommandReader(MailConnection connection, ImapOptions options, MailStore store)
{
    public async ValueTask<ReadOutcome> ReadAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var text = new ArrayBufferWriter<byte>(256);
        var spooled = new List<SpooledLiteral>();
        string? tag = null;
        string? name = null;
        var lineTimeout = timeout;
        try
        {
            while (true)
            {
                var room = options.MaxCommandBytes - text.WrittenCount;
                var result = await connection.Lines.ReadLineAsync(Math.Max(room, 2) + 2, lineTimeout, cancellationToken).ConfigureAwait(false);
                switch (result.Status)
                {
                    case LineReadStatus.TimedOut:
                        return new ReadOutcome(ReadStatus.TimedOut);
                    case LineReadStatus.Closed:
                        return new ReadOutcome(ReadStatus.Closed);
                    case LineReadStatus.TooLong:
                        // The rest of the line was discarded; what followed a literal of this command, if any, is gone too.
                        // Its first bytes still name the tag, for a tagged BAD (RFC 9051 §7.1.3).
                        return new ReadOutcome(ReadStatus.TooLong, Tag: tag ?? TagOf(result.Line.Span));
                }

                text.Write(result.Line.Span);
                if (tag is null && ImapCommand.TryParseHead(text.WrittenSpan.ToArray(), out var t, out var n, out _))
                {
                    tag = t;
                    name = n;
                }

                if (!TryFindLiteral(result.Line.Span, out var length, out var synchronizing))
                {
                    break;
                }

                // Later lines of the same command arrive promptly, whatever the idle timeout was.
                lineTimeout = options.LiteralInactivityTimeout;
                var isAppend = name is "APPEND";
                var limit = isAppend ? options.MaxAppendBytes : options.MaxCommandBytes - text.WrittenCount - 2;
                if (length > limit)
                {
                    // RFC 7889 §4: an APPEND over the limit gets TOOBIG. A synchronizing literal was not sent yet
                    // (no "+"), so the command simply ends; a non-synchronizing one is on its way, and its
                    // length may be anything, so the connection cannot be resynchronized (RFC 7888 §4).
                    return new ReadOutcome(
                        ReadStatus.Refused,
                        Tag: tag,
                        Code: "TOOBIG",
                        Text: isAppend ? $"the message is larger than APPENDLIMIT ({options.MaxAppendBytes} octets)" : "the command is too long",
                        Close: !synchronizing);
                }

                text.Write("\r\n"u8);
                if (synchronizing)
                {
                    await connection.Output.WriteAsync("+ Ready for literal data\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
                }

                CopyStatus copied;
                if (isAppend && length > options.LiteralSpoolBytes)
                {
                    // Written once, where the store adopts it as the message body (APPEND) without a copy.
                    var spool = new SpooledLiteral(text.WrittenCount, store.CreateStaging(), length);
                    spooled.Add(spool);
                    copied = await connection.Lines.CopyBytesAsync(length, spool.Staging, options.LiteralInactivityTimeout, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    using var stream = new MemoryStream((int)length);
                    copied = await connection.Lines.CopyBytesAsync(length, stream, options.LiteralInactivityTimeout, cancellationToken).ConfigureAwait(false);
                    text.Write(stream.GetBuffer().AsSpan(0, (int)stream.Length));
                }

                if (copied != CopyStatus.Completed)
                {
                    return new ReadOutcome(copied == CopyStatus.TimedOut ? ReadStatus.TimedOut : ReadStatus.Closed);
                }
            }

            var bytes = text.WrittenSpan.ToArray();
            if (!ImapCommand.TryParseHead(bytes, out var ctag, out var cname, out var start))
            {
                return new ReadOutcome(ReadStatus.Garbage, Tag: tag);
            }

            var command = new ImapCommand(bytes, ctag, cname, start, spooled);
            spooled = [];
            return new ReadOutcome(ReadStatus.Command, command);
        }
        finally
        {
            foreach (var spool in spooled)
            {
                spool.Dispose();
            }
        }
    }

    /// <summary>The tag at the start of a refused line (tag = 1*&lt;any ASTRING-CHAR except "+"&gt;, RFC 9051 §9), or null.</summary>
    internal static string? TagOf(ReadOnlySpan<byte> head)
    {
        var space = head.IndexOf((byte)' ');
        if (space <= 0)
        {
            return null;
        }

        foreach (var b in head[..space])
        {
            // ASTRING-CHAR is ATOM-CHAR or "]": printable ASCII except ( ) { SP CTL % * " \ (RFC 9051 §9); a tag also excludes "+".
            if (b is < 0x21 or > 0x7e or (byte)'(' or (byte)')' or (byte)'{' or (byte)'%' or (byte)'*' or (byte)'"' or (byte)'\\' or (byte)'+')
            {
                return null;
            }
        }

        return System.Text.Encoding.ASCII.GetString(head[..space]);
    }

    /// <summary>literal = "{" number64 ["+"] "}" CRLF (RFC 9051 §9, RFC 7888 §3) at the end of a line, also "~{" (RFC 3516).</summary>
    internal static bool TryFindLiteral(ReadOnlySpan<byte> line, out long length, out bool synchronizing)
    {
        length = 0;
        synchronizing = true;
        if (line.Length < 3 || line[^1] != '}')
        {
            return false;
        }

        var open = line.LastIndexOf((byte)'{');
        if (open < 0)
        {
            return false;
        }

        var inner = line[(open + 1)..^1];
        if (inner.Length > 0 && inner[^1] is (byte)'+' or (byte)'-')
        {
            synchronizing = false;
            inner = inner[..^1];
        }

        if (inner.Length is 0 or > 19)
        {
            return false;
        }

        foreach (var b in inner)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
        }

        return long.TryParse(inner, NumberStyles.None, CultureInfo.InvariantCulture, out length);
    }
}
