using System.Text;

namespace EdgeMail.Benchmarks.Common;

/// <summary>A plain-text RFC 5322 message of about the given size.</summary>
internal static class SampleMessage
{
    public static byte[] Create(int size)
    {
        var text = new StringBuilder();
        text.Append("From: Bench <bench@example.org>\r\nTo: user@edgemail.local\r\nSubject: benchmark\r\nMessage-ID: <b@example.org>\r\nDate: Mon, 23 Nov 2026 12:00:00 +0000\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n");
        while (text.Length < size)
        {
            text.Append("The quick brown fox jumps over the lazy dog 0123456789.\r\n");
        }

        text.Length = size;
        return Encoding.ASCII.GetBytes(text.ToString());
    }
}
