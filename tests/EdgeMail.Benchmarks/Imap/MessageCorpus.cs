using System.Globalization;
using System.Text;

namespace EdgeMail.Benchmarks.Imap;

/// <summary>
/// The mailbox both servers get: message i is the same bytes for EdgeMail and Dovecot (seeded by i).
/// Realistic shapes: Received lines, names and addresses, replies with In-Reply-To and References,
/// text/plain, multipart/alternative (text and HTML) and multipart/mixed with a small base64
/// attachment; 2 to 10 KiB each (or up to a size asked for); about 30% unseen.
/// </summary>
internal static class MessageCorpus
{
    private static readonly string[] First = ["Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy", "Mallory", "Niaj", "Olivia", "Peggy", "Rupert", "Sybil", "Trent", "Victor", "Walter", "Zoë"];
    private static readonly string[] Last = ["Martin", "Bernard", "Dubois", "Schmidt", "Müller", "García", "Rossi", "Smith", "Jones", "Nakamura", "Kowalski", "Novak", "Jensen", "O'Brien", "Silva"];
    private static readonly string[] Domains = ["example.org", "example.com", "mail.example.net", "lists.example.org", "corp.example"];
    private static readonly string[] Words = ("the quarterly report meeting budget draft review schedule project invoice delivery update " +
        "summary notes travel plans garden weekend server backup photos family dinner contract proposal deadline " +
        "minutes agenda release patch question answer thanks please attached below regards tomorrow friday").Split(' ');

    public const string Address = "bench@edgemail.local";

    public static DateTimeOffset DateOf(int i) => new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(i * 7L);

    /// <summary>Whether message i is stored with \Seen (about 70% are).</summary>
    public static bool IsSeen(int i) => Hash(i, 7) % 10 >= 3;

    /// <summary>Message i, 2 KiB to <paramref name="maxBytes"/> (the `fetch` benchmark asks for up to 20 KiB).</summary>
    public static byte[] Create(int i, int maxBytes = 10 * 1024)
    {
        var random = new Random(i);
        var size = random.Next(2048, maxBytes);
        var from = Person(random);
        var date = DateOf(i);
        var subject = Sentence(random, random.Next(3, 9));
        var reply = random.Next(4) == 0;
        var text = new StringBuilder(size + 1024);
        text.Append("Return-Path: <").Append(from.Address).Append(">\r\n");
        text.Append("Received: from mx").Append(random.Next(1, 9)).Append('.').Append(Domains[random.Next(Domains.Length)])
            .Append(" (mx.example [192.0.2.").Append(random.Next(1, 254)).Append("])\r\n\tby edgemail.local with ESMTPS id ")
            .Append(Hash(i, 1).ToString("x8", CultureInfo.InvariantCulture)).Append("\r\n\tfor <").Append(Address).Append(">; ")
            .Append(date.ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture)).Append("\r\n");
        text.Append("Date: ").Append(date.ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture)).Append("\r\n");
        text.Append("From: ").Append(from.Display).Append("\r\n");
        text.Append("To: Bench User <").Append(Address).Append(">\r\n");
        if (random.Next(3) == 0)
        {
            text.Append("Cc: ").Append(Person(random).Display).Append(", ").Append(Person(random).Display).Append("\r\n");
        }

        text.Append("Subject: ").Append(reply ? "Re: " : "").Append(subject).Append("\r\n");
        text.Append("Message-ID: <").Append(i.ToString(CultureInfo.InvariantCulture)).Append('.').Append(Hash(i, 2).ToString("x8", CultureInfo.InvariantCulture)).Append("@example.org>\r\n");
        if (reply && i > 0)
        {
            var parent = random.Next(i);
            var id = $"<{parent}.{Hash(parent, 2):x8}@example.org>";
            text.Append("In-Reply-To: ").Append(id).Append("\r\nReferences: ").Append(id).Append("\r\n");
        }

        text.Append("MIME-Version: 1.0\r\n");
        var kind = random.Next(10);
        var bodySize = Math.Max(256, size - text.Length - 200);
        if (kind < 6)
        {
            text.Append("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
            Paragraphs(text, random, bodySize);
        }
        else if (kind < 9)
        {
            var boundary = "=_alt_" + Hash(i, 3).ToString("x8", CultureInfo.InvariantCulture);
            text.Append("Content-Type: multipart/alternative; boundary=\"").Append(boundary).Append("\"\r\n\r\n");
            text.Append("--").Append(boundary).Append("\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
            Paragraphs(text, random, bodySize / 3);
            text.Append("\r\n--").Append(boundary).Append("\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body>\r\n");
            var start = text.Length;
            while (text.Length - start < bodySize * 2 / 3)
            {
                text.Append("<p>").Append(Sentence(random, random.Next(8, 20))).Append("</p>\r\n");
            }

            text.Append("</body></html>\r\n--").Append(boundary).Append("--\r\n");
        }
        else
        {
            var boundary = "=_mixed_" + Hash(i, 4).ToString("x8", CultureInfo.InvariantCulture);
            text.Append("Content-Type: multipart/mixed; boundary=\"").Append(boundary).Append("\"\r\n\r\n");
            text.Append("--").Append(boundary).Append("\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
            Paragraphs(text, random, bodySize / 2);
            text.Append("\r\n--").Append(boundary).Append("\r\nContent-Type: application/pdf; name=\"report-")
                .Append(i.ToString(CultureInfo.InvariantCulture)).Append(".pdf\"\r\nContent-Disposition: attachment; filename=\"report-")
                .Append(i.ToString(CultureInfo.InvariantCulture)).Append(".pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n");
            var attachment = new byte[bodySize / 2 * 3 / 4];
            random.NextBytes(attachment);
            var base64 = Convert.ToBase64String(attachment);
            for (var p = 0; p < base64.Length; p += 76)
            {
                text.Append(base64.AsSpan(p, Math.Min(76, base64.Length - p))).Append("\r\n");
            }

            text.Append("--").Append(boundary).Append("--\r\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>A 10 KiB text message for the mixed load's APPEND.</summary>
    public static byte[] Appended(int client, int n)
    {
        var text = new StringBuilder(10 * 1024 + 512);
        text.Append("Date: Mon, 23 Nov 2026 12:00:00 +0000\r\nFrom: Load <load@example.org>\r\nTo: ").Append(Address)
            .Append("\r\nSubject: load ").Append(client.ToString(CultureInfo.InvariantCulture)).Append('/').Append(n.ToString(CultureInfo.InvariantCulture))
            .Append("\r\nMessage-ID: <load.").Append(client.ToString(CultureInfo.InvariantCulture)).Append('.').Append(n.ToString(CultureInfo.InvariantCulture))
            .Append("@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
        Paragraphs(text, new Random(client * 100_003 + n), 10 * 1024 - text.Length);
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static (string Address, string Display) Person(Random random)
    {
        var first = First[random.Next(First.Length)];
        var last = Last[random.Next(Last.Length)];
        var address = $"{first.ToLowerInvariant().Replace("ë", "e", StringComparison.Ordinal)}.{last.ToLowerInvariant().Replace("'", "", StringComparison.Ordinal).Replace("ü", "u", StringComparison.Ordinal).Replace("í", "i", StringComparison.Ordinal)}@{Domains[random.Next(Domains.Length)]}";
        // Non-ASCII display names go as RFC 2047 encoded words, as real mail does.
        var name = $"{first} {last}";
        var display = name.Any(ch => ch > 127)
            ? $"=?utf-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes(name))}?= <{address}>"
            : name.Contains('\'', StringComparison.Ordinal) ? $"\"{name}\" <{address}>" : $"{name} <{address}>";
        return (address, display);
    }

    private static string Sentence(Random random, int words)
    {
        var text = new StringBuilder();
        for (var w = 0; w < words; w++)
        {
            text.Append(w == 0 ? "" : " ").Append(Words[random.Next(Words.Length)]);
        }

        text[0] = char.ToUpperInvariant(text[0]);
        return text.ToString();
    }

    private static void Paragraphs(StringBuilder text, Random random, int bytes)
    {
        var start = text.Length;
        while (text.Length - start < bytes)
        {
            var line = 0;
            for (var s = random.Next(2, 6); s > 0; s--)
            {
                var sentence = Sentence(random, random.Next(5, 16)) + ". ";
                if (line + sentence.Length > 72)
                {
                    text.Append("\r\n");
                    line = 0;
                }

                text.Append(sentence);
                line += sentence.Length;
            }

            text.Append("\r\n\r\n");
        }
    }

    private static uint Hash(int i, int salt)
    {
        var x = (uint)i * 2654435761u ^ (uint)salt * 40503u;
        x ^= x >> 15;
        x *= 2246822519u;
        x ^= x >> 13;
        return x;
    }
}
