using System.Text;

namespace EdgeMail.Testing.Imap;

/// <summary>
/// A server response that breaks the formal syntax (RFC 9051 §9, RFC 3501 §9): names the byte offset inside the
/// response, what the grammar expected there, and shows the bytes around it.
/// </summary>
public sealed class ImapSyntaxException : Exception
{
    public ImapSyntaxException(string expected, int offset, byte[] response, long? streamOffset = null)
        : base(Describe(expected, offset, response, streamOffset))
    {
        Expected = expected;
        Offset = offset;
        Response = response;
        StreamOffset = streamOffset;
    }

    /// <summary>What the grammar allowed at <see cref="Offset"/>.</summary>
    public string Expected { get; }

    /// <summary>Offset of the offending byte from the start of the response.</summary>
    public int Offset { get; }

    /// <summary>Offset of the response's first byte in the connection's stream, when read from one.</summary>
    public long? StreamOffset { get; }

    /// <summary>The response bytes as far as they were read.</summary>
    public byte[] Response { get; }

    internal ImapSyntaxException AtStreamOffset(long streamOffset) => new(Expected, Offset, Response, streamOffset);

    private static string Describe(string expected, int offset, byte[] response, long? streamOffset)
    {
        var found = offset >= response.Length ? "end of response" : Printable(response, offset, 1);
        var where = streamOffset is { } s ? $"offset {offset} (stream offset {s + offset})" : $"offset {offset}";
        var from = Math.Max(0, offset - 60);
        var to = Math.Min(response.Length, offset + 40);
        return $"IMAP response syntax error at {where}: expected {expected}, found {found}. Context: "
            + Printable(response, from, offset - from) + " >>>HERE>>> " + Printable(response, offset, to - offset);
    }

    internal static string Printable(byte[] bytes, int start, int count)
    {
        var text = new StringBuilder(count + 8);
        foreach (var b in bytes.AsSpan(start, Math.Max(0, Math.Min(count, bytes.Length - start))))
        {
            text.Append(b switch
            {
                (byte)'\r' => "\\r",
                (byte)'\n' => "\\n",
                < 0x20 or >= 0x7f => $"\\x{b:X2}",
                _ => ((char)b).ToString(),
            });
        }

        return "'" + text + "'";
    }
}
