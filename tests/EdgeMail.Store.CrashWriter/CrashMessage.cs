using System.Text;

namespace EdgeMail.Store.CrashWriter;

/// <summary>The message for a counter value: sizes vary from 1 KiB to about 200 KiB, some past the inline limit.</summary>
public static class CrashMessage
{
    public static byte[] Build(long index)
    {
        var size = index % 10 == 0 ? 100_000 + (int)(index % 7) * 15_000 : 1024 + (int)(index % 13) * 700;
        var sb = new StringBuilder();
        sb.Append("From: crash@example.org\r\nSubject: message ").Append(index).Append("\r\n\r\n");
        while (sb.Length < size)
        {
            sb.Append("line of message ").Append(index).Append(" at ").Append(sb.Length).Append("\r\n");
        }

        return Encoding.ASCII.GetBytes(sb.ToString());
    }
}
