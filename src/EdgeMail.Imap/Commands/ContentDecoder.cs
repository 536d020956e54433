using MimeKit.Encodings;

namespace EdgeMail.Imap.Commands;

/// <summary>
/// Undoes a Content-Transfer-Encoding for BINARY (RFC 3516 §4.2), chunk by chunk, so a large part streams. Content
/// that cannot be decoded (an unknown encoding, or base64 with other characters) throws
/// <see cref="UndecodableException"/>: RFC 3516 §4.1 wants NO [UNKNOWN-CTE] then, not a best-effort guess.
/// </summary>
internal abstract class ContentDecoder
{
    /// <summary>The decoder for a Content-Transfer-Encoding (RFC 2045 §6.1; none means 7bit).</summary>
    public static ContentDecoder For(string? encoding) =>
        (encoding ?? "7bit").Trim().ToLowerInvariant() switch
        {
            "base64" => new Base64(),
            "quoted-printable" => new QuotedPrintable(),
            "7bit" or "8bit" or "binary" => new Identity(),
            _ => throw new UndecodableException(),
        };

    public abstract void Decode(ReadOnlySpan<byte> input, Stream output);

    /// <summary>The end of the content: what is still held back is written.</summary>
    public virtual void Complete(Stream output)
    {
    }

    internal sealed class UndecodableException : Exception
    {
        public UndecodableException()
            : base("the Content-Transfer-Encoding cannot be decoded")
        {
        }
    }

    private sealed class Identity : ContentDecoder
    {
        public override void Decode(ReadOnlySpan<byte> input, Stream output) => output.Write(input);
    }

    private sealed class Base64 : ContentDecoder
    {
        private readonly Base64Decoder _decoder = new();
        private byte[] _output = [];

        public override void Decode(ReadOnlySpan<byte> input, Stream output)
        {
            // RFC 2045 §6.8: the alphabet, "=" padding, and line breaks; anything else makes the part undecodable.
            foreach (var b in input)
            {
                if (!(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'+' or (byte)'/' or (byte)'=' or (byte)'\r' or (byte)'\n' or (byte)' ' or (byte)'\t'))
                {
                    throw new UndecodableException();
                }
            }

            var buffer = input.ToArray();
            var needed = _decoder.EstimateOutputLength(buffer.Length);
            if (_output.Length < needed)
            {
                _output = new byte[needed];
            }

            var n = _decoder.Decode(buffer, 0, buffer.Length, _output);
            output.Write(_output, 0, n);
        }
    }

    /// <summary>
    /// RFC 2045 §6.7: "=XX" is an octet; white space at the end of a line is deleted (rule 3), and a line that then
    /// ends in "=" is a soft line break ("= " before the line end included). A "=" not followed by two hex digits
    /// is kept as it is (the robustness §6.7 (1) recommends). Line ends stay CRLF.
    /// </summary>
    private sealed class QuotedPrintable : ContentDecoder
    {
        // A line longer than this is decoded in pieces (keeping back what could be trailing white space or an escape).
        private const int MaxHeldBytes = 64 * 1024;

        private readonly List<byte> _line = [];

        public override void Decode(ReadOnlySpan<byte> input, Stream output)
        {
            while (!input.IsEmpty)
            {
                var lf = input.IndexOf((byte)'\n');
                if (lf < 0)
                {
                    _line.AddRange(input);
                    if (_line.Count > MaxHeldBytes)
                    {
                        FlushSafePrefix(output);
                    }

                    return;
                }

                _line.AddRange(input[..lf]);
                EndLine(output, hadLineEnd: true);
                input = input[(lf + 1)..];
            }
        }

        public override void Complete(Stream output)
        {
            if (_line.Count > 0)
            {
                EndLine(output, hadLineEnd: false);
            }
        }

        private void EndLine(Stream output, bool hadLineEnd)
        {
            var line = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_line);
            line = line.TrimEnd("\r"u8).TrimEnd(" \t"u8);
            var soft = !line.IsEmpty && line[^1] == (byte)'=';
            if (soft)
            {
                line = line[..^1];
            }

            Write(line, output);
            if (hadLineEnd && !soft)
            {
                output.Write("\r\n"u8);
            }

            _line.Clear();
        }

        private void FlushSafePrefix(Stream output)
        {
            var line = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_line);
            var cut = line.Length;
            while (cut > 0 && line[cut - 1] is (byte)' ' or (byte)'\t' or (byte)'\r')
            {
                cut--;
            }

            var equals = line[Math.Max(0, cut - 2)..cut].IndexOf((byte)'=');
            if (equals >= 0)
            {
                cut = Math.Max(0, cut - 2) + equals;
            }

            if (cut == 0)
            {
                return;
            }

            Write(line[..cut], output);
            _line.RemoveRange(0, cut);
        }

        private static void Write(ReadOnlySpan<byte> encoded, Stream output)
        {
            while (!encoded.IsEmpty)
            {
                var equals = encoded.IndexOf((byte)'=');
                if (equals < 0)
                {
                    output.Write(encoded);
                    return;
                }

                output.Write(encoded[..equals]);
                if (equals + 2 < encoded.Length && IsHex(encoded[equals + 1]) && IsHex(encoded[equals + 2]))
                {
                    output.WriteByte((byte)((Hex(encoded[equals + 1]) << 4) | Hex(encoded[equals + 2])));
                    encoded = encoded[(equals + 3)..];
                }
                else
                {
                    output.WriteByte((byte)'=');
                    encoded = encoded[(equals + 1)..];
                }
            }
        }

        private static bool IsHex(byte b) => char.IsAsciiHexDigit((char)b);

        private static int Hex(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;
    }
}
