using System.Text;
using MimeKit;

namespace EdgeMail.CrashHarness;

/// <summary>
/// The messages the rounds send: each carries a unique token in X-Crash-Token, in sizes from a few hundred bytes to
/// over a megabyte (past the store's 256 KiB inline limit, so those get a body file of their own), with lines that
/// start with a dot (SMTP transparency, RFC 5321 §4.5.2) and, for the large ones, a base64 attachment.
/// </summary>
internal static class CrashMail
{
    public const string TokenHeader = "X-Crash-Token";

    /// <summary>How MailKit's SmtpClient and ImapClient write a message to the wire: CRLF, ending in CRLF.</summary>
    private static readonly FormatOptions Wire = new() { NewLineFormat = NewLineFormat.Dos, EnsureNewLine = true };

    public static MimeMessage Build(string token, string from, string to, Random rng, out Fingerprint expected)
    {
        var size = rng.Next(100) switch
        {
            < 60 => rng.Next(200, 4_000),
            < 88 => rng.Next(4_000, 120_000),
            _ => rng.Next(300_000, 1_400_000),
        };

        return Build(token, from, to, rng, size, out expected);
    }

    /// <summary>A message of about <paramref name="size"/> bytes of body (multipart with an attachment past 200 KB).</summary>
    public static MimeMessage Build(string token, string from, string to, Random rng, int size, out Fingerprint expected)
    {
        var text = new StringBuilder();
        text.Append("From: <").Append(from).Append(">\r\n")
            .Append("To: <").Append(to).Append(">\r\n")
            .Append("Subject: crash round message ").Append(token).Append("\r\n")
            .Append("Date: Mon, 01 Jan 2024 00:00:00 +0000\r\n")
            .Append("Message-ID: <").Append(token).Append("@crash.edgemail.test>\r\n")
            .Append(TokenHeader).Append(": ").Append(token).Append("\r\n")
            .Append("MIME-Version: 1.0\r\n");
        if (size > 200_000)
        {
            text.Append("Content-Type: multipart/mixed; boundary=\"b-").Append(token).Append("\"\r\n\r\n")
                .Append("--b-").Append(token).Append("\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n");
            AppendLines(text, rng, 2_000);
            text.Append("--b-").Append(token).Append("\r\nContent-Type: application/octet-stream\r\n")
                .Append("Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"blob.bin\"\r\n\r\n");
            var blob = new byte[size * 3 / 4];
            rng.NextBytes(blob);
            var base64 = Convert.ToBase64String(blob);
            for (var i = 0; i < base64.Length; i += 76)
            {
                text.Append(base64, i, Math.Min(76, base64.Length - i)).Append("\r\n");
            }

            text.Append("--b-").Append(token).Append("--\r\n");
        }
        else
        {
            text.Append("Content-Type: text/plain; charset=us-ascii\r\n\r\n");
            AppendLines(text, rng, size);
        }

        var message = MimeMessage.Load(new MemoryStream(Encoding.ASCII.GetBytes(text.ToString())));
        using var wire = new MemoryStream();
        message.WriteTo(Wire, wire);
        expected = Fingerprint.Of(wire.GetBuffer().AsSpan(0, (int)wire.Length));
        return message;
    }

    private static void AppendLines(StringBuilder text, Random rng, int bytes)
    {
        const string Letters = "abcdefghijklmnopqrstuvwxyz0123456789 ";
        var written = 0;
        while (written < bytes)
        {
            var length = rng.Next(0, 120);
            var start = text.Length;
            if (rng.Next(10) == 0)
            {
                text.Append('.'); // a line that SMTP must dot-stuff and unstuff
            }

            for (var i = 0; i < length; i++)
            {
                text.Append(Letters[rng.Next(Letters.Length)]);
            }

            text.Append("\r\n");
            written += text.Length - start;
        }
    }

    /// <summary>
    /// The message as fetched, less the leading Received trace fields the server prepends (RFC 5321 §4.4): a field
    /// is "Received:" at the start of a line, continued by lines that begin with a space or a tab (RFC 5322 §2.2.3).
    /// </summary>
    public static ReadOnlySpan<byte> StripTrace(ReadOnlySpan<byte> message, out int received)
    {
        received = 0;
        while (message.Length >= 9 && Ascii.EqualsIgnoreCase(message[..9], "Received:"u8))
        {
            var end = 0;
            while (true)
            {
                var lf = message[end..].IndexOf((byte)'\n');
                if (lf < 0)
                {
                    return message; // a header that never ends: not ours to strip, and the hash will say so
                }

                end += lf + 1;
                if (end >= message.Length || (message[end] != (byte)' ' && message[end] != (byte)'\t'))
                {
                    break;
                }
            }

            message = message[end..];
            received++;
        }

        return message;
    }

    /// <summary>The value of X-Crash-Token in the header of <paramref name="message"/> (before its first empty line), or null.</summary>
    public static string? TokenOf(ReadOnlySpan<byte> message)
    {
        var headerEnd = message.IndexOf("\r\n\r\n"u8);
        var header = headerEnd < 0 ? message : message[..headerEnd];
        var name = Encoding.ASCII.GetBytes("\r\n" + TokenHeader + ": ");
        var at = header.IndexOf(name);
        if (at < 0)
        {
            return null;
        }

        var value = header[(at + name.Length)..];
        var eol = value.IndexOf((byte)'\r');
        return Encoding.ASCII.GetString(eol < 0 ? value : value[..eol]).Trim();
    }
}
