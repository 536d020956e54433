using System.Globalization;
using System.Text;

namespace EdgeMail.Benchmarks.Pop3;

/// <summary>
/// The messages both servers hold: plain-text RFC 5322 messages of exactly <see cref="MessageBytes"/> octets
/// with CRLF line ends, each with its number in the Message-ID so that a received body can be matched to the
/// one that was stored. One body line starts with a dot, so RETR must byte-stuff it (RFC 1939 §3).
/// </summary>
internal static class Pop3Mailbox
{
    public const int MessageBytes = 10 * 1024;

    private const string BodyLine = "The quick brown fox jumps over the lazy dog 0123456789.\r\n";
    private const string DotLine = ". a line that starts with a dot\r\n";
    private const int DotLineNumber = 40;

    public static byte[] Message(int number)
    {
        var text = new StringBuilder(MessageBytes);
        text.Append("From: Bench <bench@example.org>\r\n")
            .Append("To: bench@edgemail.local\r\n")
            .Append(CultureInfo.InvariantCulture, $"Subject: POP3 benchmark message {number}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Message-ID: <pop3-bench-{number}@example.org>\r\n")
            .Append("Date: Mon, 23 Nov 2026 12:00:00 +0000\r\n")
            .Append("MIME-Version: 1.0\r\n")
            .Append("Content-Type: text/plain; charset=us-ascii\r\n")
            .Append("\r\n");
        var line = 0;
        while (text.Length + BodyLine.Length + 2 <= MessageBytes)
        {
            text.Append(line++ == DotLineNumber ? DotLine : BodyLine);
        }

        // Pad the last line so that every message has the same size.
        text.Append('x', MessageBytes - text.Length - 2).Append("\r\n");
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    /// <summary>The message as RETR sends it: lines that start with "." get another one (RFC 1939 §3).</summary>
    public static byte[] Wire(byte[] message)
    {
        var wire = new List<byte>(message.Length + 16);
        var lineStart = true;
        foreach (var b in message)
        {
            if (lineStart && b == (byte)'.')
            {
                wire.Add((byte)'.');
            }

            wire.Add(b);
            lineStart = b == (byte)'\n';
        }

        return [.. wire];
    }

    /// <summary>The message with LF line ends, as Maildir files hold it (what Dovecot's LDA writes by default).</summary>
    public static byte[] WithLineFeeds(byte[] message)
    {
        var lf = new List<byte>(message.Length);
        for (var i = 0; i < message.Length; i++)
        {
            if (message[i] == (byte)'\r' && i + 1 < message.Length && message[i + 1] == (byte)'\n')
            {
                continue;
            }

            lf.Add(message[i]);
        }

        return [.. lf];
    }

    /// <summary>The number in the Message-ID of a received message, or -1.</summary>
    public static int NumberOf(ReadOnlySpan<byte> message)
    {
        var marker = "Message-ID: <pop3-bench-"u8;
        var at = message.IndexOf(marker);
        if (at < 0)
        {
            return -1;
        }

        var rest = message[(at + marker.Length)..];
        var end = rest.IndexOf((byte)'@');
        return end > 0 && int.TryParse(Encoding.ASCII.GetString(rest[..end]), NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : -1;
    }
}
