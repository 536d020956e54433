using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace EdgeMail.Imap.Tests;

/// <summary>A corpus message put into the "Corpus" mailbox over IMAP, and its parts read back as a client would.</summary>
internal static class CorpusSession
{
    /// <summary>APPENDs the bytes as they are (a LITERAL+ literal) and returns the new UID from APPENDUID.</summary>
    public static async Task<uint> AppendAsync(Transcript t, byte[] message)
    {
        var create = await t.CommandAsync("c CREATE Corpus");
        Assert.Matches("^c (OK|NO \\[ALREADYEXISTS\\])", create[^1]);
        await t.SendAsync([.. Encoding.ASCII.GetBytes($"a APPEND Corpus {{{message.Length}+}}\r\n"), .. message, (byte)'\r', (byte)'\n']);
        var reply = await t.ReadUntilTaggedAsync("a");
        var m = Regex.Match(reply[^1], @"^a OK \[APPENDUID \d+ (\d+)\]");
        Assert.True(m.Success, string.Join("\n", reply));
        var select = await t.CommandAsync("s SELECT Corpus");
        Assert.StartsWith("s OK", select[^1]);
        return uint.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>The value of one FETCH item (as the server wrote it, literals inline) from UID FETCH.</summary>
    public static async Task<string> FetchItemAsync(Transcript t, uint uid, string item, string responseItem)
    {
        var reply = await t.CommandAsync($"f UID FETCH {uid} ({item})");
        Assert.True(reply[^1].StartsWith("f OK", StringComparison.Ordinal), string.Join("\n", reply));
        var line = reply.Single(l => l.StartsWith("* ", StringComparison.Ordinal) && l.Contains(" FETCH (", StringComparison.Ordinal));
        var start = line.IndexOf(responseItem + " ", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no {responseItem} in {line}");
        start += responseItem.Length + 1;
        return line[start..ValueEnd(line, start)];
    }

    /// <summary>The end of the IMAP value at <paramref name="i"/>: a parenthesized list, a quoted string, a literal or an atom.</summary>
    private static int ValueEnd(string s, int i)
    {
        var m = Regex.Match(s[i..], @"^~?\{(\d+)\}\r\n");
        if (m.Success)
        {
            return i + m.Length + int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        }

        if (s[i] == '"')
        {
            for (var j = i + 1; ; j++)
            {
                if (s[j] == '\\')
                {
                    j++;
                }
                else if (s[j] == '"')
                {
                    return j + 1;
                }
            }
        }

        if (s[i] == '(')
        {
            var j = i + 1;
            while (s[j] != ')')
            {
                j = s[j] == ' ' ? j + 1 : ValueEnd(s, j);
            }

            return j + 1;
        }

        var end = i;
        while (end < s.Length && s[end] is not (' ' or ')' or '('))
        {
            end++;
        }

        return end;
    }

    /// <summary>The data of a literal value ("{n}\r\n" + n octets), as octets.</summary>
    public static byte[] LiteralBytes(string value)
    {
        var m = Regex.Match(value, @"^~?\{(\d+)\}\r\n");
        Assert.True(m.Success, "not a literal: " + value[..Math.Min(value.Length, 80)]);
        return Encoding.Latin1.GetBytes(value[m.Length..]);
    }

    public static async Task<byte[]> FetchSectionAsync(ImapServer server, uint uid, string section, int? offset = null, int? count = null)
    {
        using var client = await server.ConnectAsync();
        var folder = await client.GetFolderAsync("Corpus");
        await folder.OpenAsync(FolderAccess.ReadOnly);
        using var stream = offset is { } o
            ? await folder.GetStreamAsync(new UniqueId(uid), section, o, count!.Value)
            : await folder.GetStreamAsync(new UniqueId(uid), section);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        await client.DisconnectAsync(true);
        return copy.ToArray();
    }

    /// <summary>The message as IMAP serves it: every bare LF with its CR (RFC 5322 §2.3).</summary>
    public static byte[] WithCrlf(byte[] message)
    {
        var output = new List<byte>(message.Length + 64);
        for (var i = 0; i < message.Length; i++)
        {
            if (message[i] == (byte)'\n' && (i == 0 || message[i - 1] != (byte)'\r'))
            {
                output.Add((byte)'\r');
            }

            output.Add(message[i]);
        }

        return [.. output];
    }
}
