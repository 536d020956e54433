using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;

namespace EdgeMail.Imap.Protocol;

/// <summary>
/// Writes responses straight into the connection's pipe as UTF-8, with the string forms of RFC 9051 §4.3:
/// an atom where the grammar allows one, a quoted string where it is safe, a literal otherwise. Nothing is
/// sent until <see cref="FlushAsync"/>; the session flushes once per command.
/// </summary>
public sealed class ResponseWriter(PipeWriter output)
{
    /// <summary>UTF-8 may be sent in quoted strings (IMAP4rev2, or UTF8=ACCEPT enabled, RFC 6855 §3).</summary>
    public bool Utf8Quoted { get; set; }

    private PipeWriter? _output = output;

    /// <summary>Where responses go; set again after STARTTLS or after the connection released its pipes.</summary>
    public PipeWriter Output
    {
        get => _output ?? throw new InvalidOperationException("The response writer is detached from the connection.");
        set => _output = value;
    }

    /// <summary>Lets go of the pipe while the connection holds none (a waiting IDLE); set <see cref="Output"/> again to write.</summary>
    public void Detach() => _output = null;

    /// <summary>Bytes written since the last flush; large FETCH responses flush as they go.</summary>
    public long Unflushed { get; private set; }

    public ResponseWriter Raw(string ascii)
    {
        var span = Output.GetSpan(Encoding.UTF8.GetMaxByteCount(ascii.Length));
        var n = Encoding.UTF8.GetBytes(ascii, span);
        Output.Advance(n);
        Unflushed += n;
        return this;
    }

    public ResponseWriter Raw(ReadOnlySpan<byte> bytes)
    {
        Output.Write(bytes);
        Unflushed += bytes.Length;
        return this;
    }

    public ResponseWriter Number(long value)
    {
        var span = Output.GetSpan(24);
        value.TryFormat(span, out var n, default, CultureInfo.InvariantCulture);
        Output.Advance(n);
        Unflushed += n;
        return this;
    }

    public ResponseWriter Number(ulong value)
    {
        var span = Output.GetSpan(24);
        value.TryFormat(span, out var n, default, CultureInfo.InvariantCulture);
        Output.Advance(n);
        Unflushed += n;
        return this;
    }

    public ResponseWriter Crlf() => Raw("\r\n"u8);

    public ResponseWriter Space() => Raw(" "u8);

    /// <summary>astring: an atom when the value is one (and not NIL), else a string.</summary>
    public ResponseWriter Astring(string value)
    {
        if (value.Length > 0 && value.Length < 1024 && !value.Equals("NIL", StringComparison.OrdinalIgnoreCase) && value.All(c => c < 0x80 && ImapReader.IsAstringChar((byte)c)))
        {
            return Raw(value);
        }

        return String(value);
    }

    /// <summary>nstring: NIL or a string.</summary>
    public ResponseWriter NString(string? value) => value is null ? Raw("NIL"u8) : String(value);

    /// <summary>string: quoted when every character may be quoted, else a literal.</summary>
    public ResponseWriter String(string value)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            // Neither a quoted string nor a literal may hold NUL (RFC 9051 §4.3, §9: CHAR8 = %x01-ff), and a MIME
            // header may (a parameter in BODYSTRUCTURE; found by the mime fuzz target): it becomes U+FFFD, text as
            // the rest of the string is.
            value = value.Replace('\0', '\uFFFD');
        }

        if (CanQuote(value))
        {
            Raw("\""u8);
            Raw(value.AsSpan().IndexOfAny('"', '\\') < 0 ? value : Escape(value));
            return Raw("\""u8);
        }

        return Literal(Encoding.UTF8.GetBytes(value));
    }

    /// <summary>
    /// nstring of octets as they stand in a message header (ENVELOPE, RFC 3501 §7.4.2): quoted when that is safe,
    /// else a literal, whose CHAR8 carries 8-bit octets that are not UTF-8 (a raw Latin-1 subject), as Dovecot sends
    /// them; never a quoted string with such octets (RFC 9051 §4.3, RFC 6855 §3 allows only UTF-8 there).
    /// </summary>
    public ResponseWriter NString(ReadOnlySpan<byte> octets, bool isNil)
    {
        if (isNil)
        {
            return Raw("NIL"u8);
        }

        var quotable = octets.Length <= 1024 && octets.IndexOfAny((byte)'\r', (byte)'\n', (byte)0) < 0
            && (!octets.ContainsAnyInRange((byte)0x80, (byte)0xFF) || (Utf8Quoted && System.Text.Unicode.Utf8.IsValid(octets)));
        if (!quotable)
        {
            if (octets.Contains((byte)0))
            {
                // CHAR8 excludes NUL (RFC 9051 §9): the same stand-in as for bodies (see LiteralAsync).
                var copy = octets.ToArray();
                copy.AsSpan().Replace((byte)0, (byte)0x80);
                return Literal(copy);
            }

            return Literal(octets);
        }

        Raw("\""u8);
        while (!octets.IsEmpty)
        {
            var special = octets.IndexOfAny((byte)'"', (byte)'\\');
            if (special < 0)
            {
                Raw(octets);
                break;
            }

            Raw(octets[..special]).Raw("\\"u8).Raw(octets.Slice(special, 1));
            octets = octets[(special + 1)..];
        }

        return Raw("\""u8);
    }

    public ResponseWriter Literal(ReadOnlySpan<byte> bytes)
    {
        Raw("{"u8).Number(bytes.Length).Raw("}\r\n"u8);
        return Raw(bytes);
    }

    /// <summary>A literal of <paramref name="length"/> octets copied from a stream, flushing as it goes.</summary>
    public async Task LiteralAsync(Stream source, long length, bool binary, CancellationToken cancellationToken)
    {
        Raw(binary ? "~{"u8 : "{"u8).Number(length).Raw("}\r\n"u8);
        var remaining = length;
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (remaining > 0)
            {
                var n = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    throw new EndOfStreamException("the stored message is shorter than its recorded size");
                }

                if (!binary)
                {
                    // RFC 9051 §9: a literal carries CHAR8, which excludes NUL; only a literal8 (RFC 3516) may. A
                    // message APPENDed as a literal8 can hold NULs: as Dovecot does, BODY[] sends 0x80 in their place
                    // (same length), and BINARY[] gives the exact octets.
                    buffer.AsSpan(0, n).Replace((byte)0, (byte)0x80);
                }

                Raw(buffer.AsSpan(0, n));
                remaining -= n;
                if (Unflushed >= 64 * 1024)
                {
                    await FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        Unflushed = 0;
        await Output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private bool CanQuote(string value)
    {
        if (value.Length > 1024)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is '\r' or '\n' or '\0' || (c >= 0x80 && !Utf8Quoted))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>quoted-specials (RFC 9051 §9) get a backslash.</summary>
    private static string Escape(string value)
    {
        var builder = new StringBuilder(value.Length + 4);
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }
}
