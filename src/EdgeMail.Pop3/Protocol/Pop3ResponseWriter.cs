using System.Buffers;
using System.Text;

namespace EdgeMail.Pop3.Protocol;

/// <summary>Writes status lines and multi-line responses (RFC 1939 §3) straight into a buffer writer.</summary>
internal static class Pop3ResponseWriter
{
    public static void WriteStatus(IBufferWriter<byte> output, Pop3Reply reply)
    {
        Write(output, reply.Ok ? "+OK"u8 : "-ERR"u8);
        if (reply.Code is not null)
        {
            Write(output, " ["u8);
            WriteAscii(output, reply.Code);
            Write(output, "]"u8);
        }

        if (reply.Text.Length > 0)
        {
            Write(output, " "u8);
            WriteUtf8(output, reply.Text);
        }

        Write(output, "\r\n"u8);
    }

    /// <summary>A +OK line with a number and octet count: STAT's "nn mm", LIST's "msg size" (RFC 1939 §5).</summary>
    public static void WriteOkCounts(IBufferWriter<byte> output, long first, long second)
    {
        Write(output, "+OK "u8);
        WriteNumberPair(output, first, second);
        Write(output, "\r\n"u8);
    }

    /// <summary>"+OK msg unique-id" (RFC 1939 §7 UIDL msg).</summary>
    public static void WriteOkMessageText(IBufferWriter<byte> output, long message, string text)
    {
        Write(output, "+OK "u8);
        WriteNumber(output, message);
        Write(output, " "u8);
        WriteAscii(output, text);
        Write(output, "\r\n"u8);
    }

    /// <summary>One line of a LIST listing: "msg size".</summary>
    public static void WriteCountLine(IBufferWriter<byte> output, long first, long second)
    {
        WriteNumberPair(output, first, second);
        Write(output, "\r\n"u8);
    }

    /// <summary>One line of a UIDL listing: "msg unique-id".</summary>
    public static void WriteMessageTextLine(IBufferWriter<byte> output, long message, string text)
    {
        WriteNumber(output, message);
        Write(output, " "u8);
        WriteAscii(output, text);
        Write(output, "\r\n"u8);
    }

    /// <summary>A line of a multi-line response that never starts with "." (CAPA's capability names).</summary>
    public static void WriteLine(IBufferWriter<byte> output, string line)
    {
        WriteAscii(output, line);
        Write(output, "\r\n"u8);
    }

    /// <summary>The end of a multi-line response (RFC 1939 §3): a line of one ".".</summary>
    public static void WriteTerminator(IBufferWriter<byte> output) => Write(output, ".\r\n"u8);

    /// <summary>A SASL challenge (RFC 5034 §4): "+" SP base64.</summary>
    public static void WriteChallenge(IBufferWriter<byte> output, ReadOnlySpan<byte> data)
    {
        Write(output, "+ "u8);
        if (!data.IsEmpty)
        {
            WriteAscii(output, Convert.ToBase64String(data));
        }

        Write(output, "\r\n"u8);
    }

    private static void WriteNumberPair(IBufferWriter<byte> output, long first, long second)
    {
        WriteNumber(output, first);
        Write(output, " "u8);
        WriteNumber(output, second);
    }

    private static void WriteNumber(IBufferWriter<byte> output, long value)
    {
        var span = output.GetSpan(20);
        value.TryFormat(span, out var written, default, System.Globalization.CultureInfo.InvariantCulture);
        output.Advance(written);
    }

    private static void WriteAscii(IBufferWriter<byte> output, string text)
    {
        var span = output.GetSpan(text.Length);
        var written = Encoding.ASCII.GetBytes(text, span);
        output.Advance(written);
    }

    private static void WriteUtf8(IBufferWriter<byte> output, string text)
    {
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        var written = Encoding.UTF8.GetBytes(text, span);
        output.Advance(written);
    }

    private static void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes) => output.Write(bytes);
}
