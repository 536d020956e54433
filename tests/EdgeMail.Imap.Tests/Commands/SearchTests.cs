using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace EdgeMail.Imap.Tests.Commands;

/// <summary>
/// SEARCH on a raw socket (RFC 9051 §6.4.4): address keys against the parsed address, BODY and TEXT through attached
/// messages and transfer encodings, UID ranges, and ESEARCH with MODSEQ (RFC 4731 §3.2, RFC 7162 §3.1.5).
/// </summary>
public sealed class SearchTests(ImapServer server) : IClassFixture<ImapServer>
{
    private static async Task<Transcript> MailboxAsync(ImapServer server, string name, params string[] messages)
    {
        var t = await Transcript.ConnectAsync(server);
        Assert.StartsWith("c OK", (await t.CommandAsync($"c CREATE {name}"))[^1]);
        foreach (var message in messages)
        {
            await t.AppendAsync(name, message);
        }

        Assert.StartsWith("s OK", (await t.CommandAsync($"s SELECT {name}"))[^1]);
        return t;
    }

    [Fact]
    public async Task From_matches_an_address_written_with_comments_by_its_parsed_form()
    {
        await using var t = await MailboxAsync(
            server,
            "searchfrom",
            "From: Some Sender <user-from (comment)@ (comment) domain.org>\nSubject: commented\n\nhello\n",
            "From: other@domain.org\nSubject: plain\n\nhello\n");

        Assert.Equal(["* SEARCH 1", "a OK SEARCH completed"], await t.CommandAsync("a SEARCH FROM user-from@domain.org"));
        Assert.Equal(["* SEARCH 1", "b OK SEARCH completed"], await t.CommandAsync("b SEARCH FROM \"Some Sender\""));
        Assert.Equal(["* SEARCH 1 2", "c OK SEARCH completed"], await t.CommandAsync("c SEARCH FROM @domain.org"));
        Assert.Equal(["* SEARCH 1", "d OK SEARCH completed"], await t.CommandAsync("d SEARCH FROM comment"));
        Assert.Equal(["* SEARCH", "e OK SEARCH completed"], await t.CommandAsync("e SEARCH FROM nobody@domain.org"));
    }

    [Fact]
    public async Task Body_and_text_find_the_text_of_an_attached_message()
    {
        await using var t = await MailboxAsync(server, "searchfwd", Encoding.ASCII.GetString(MimeCorpus.Load("forwarded")), "Subject: other\n\nnothing here\n");

        Assert.Equal(["* SEARCH 1", "a OK SEARCH completed"], await t.CommandAsync("a SEARCH BODY \"usual place\""));
        Assert.Equal(["* SEARCH 1", "b OK SEARCH completed"], await t.CommandAsync("b SEARCH TEXT \"usual place\""));

        // The attached message's header is part of the outer message's body.
        Assert.Equal(["* SEARCH 1", "c OK SEARCH completed"], await t.CommandAsync("c SEARCH BODY erin@example.net"));
        Assert.Equal(["* SEARCH", "d OK SEARCH completed"], await t.CommandAsync("d SEARCH BODY \"Fwd: Lunch\""));
    }

    [Fact]
    public async Task Body_decodes_base64_and_quoted_printable_in_the_parts_charset()
    {
        await using var t = await MailboxAsync(
            server,
            "searchcharset",
            "Subject: latin\nMIME-Version: 1.0\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nUn caf=E9 cr=E8me, s'il vous pla=EEt.\n",
            "Subject: b64\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n" + Convert.ToBase64String(Encoding.UTF8.GetBytes("Grüße aus Köln\n")) + "\n",
            "Subject: unknown charset\nMIME-Version: 1.0\nContent-Type: text/plain; charset=x-no-such-charset\n\nplain words survive\n");

        Assert.Equal(["* SEARCH 1", "a OK SEARCH completed"], await t.CommandAsync("a SEARCH CHARSET UTF-8 BODY \"café crème\""));
        Assert.Equal(["* SEARCH 2", "b OK SEARCH completed"], await t.CommandAsync("b SEARCH BODY \"grüße AUS\""));
        Assert.Equal(["* SEARCH 3", "c OK SEARCH completed"], await t.CommandAsync("c SEARCH BODY \"words survive\""));
        Assert.Equal(["* SEARCH", "d OK SEARCH completed"], await t.CommandAsync("d SEARCH BODY caf=E9"));
    }

    [Fact]
    public async Task Uid_4294967295_is_a_number_and_not_the_largest_uid()
    {
        await using var t = await MailboxAsync(server, "searchuidmax", "Subject: one\n\n1\n", "Subject: two\n\n2\n");

        Assert.Equal(["* SEARCH", "a OK SEARCH completed"], await t.CommandAsync("a UID SEARCH UID 3:4294967295"));
        Assert.Equal(["* SEARCH", "b OK SEARCH completed"], await t.CommandAsync("b UID SEARCH UID 4294967295"));
        Assert.Equal(["* SEARCH 2", "c OK SEARCH completed"], await t.CommandAsync("c UID SEARCH UID 3:*"));
        Assert.Equal(["* SEARCH 1 2", "d OK SEARCH completed"], await t.CommandAsync("d UID SEARCH UID 1:4294967295"));
    }

    [Fact]
    public async Task Esearch_min_and_max_report_the_modseq_of_the_message_they_name_count_and_all_the_highest()
    {
        await using var t = await MailboxAsync(server, "searchmodseq", "Subject: one\n\n1\n", "Subject: two\n\n2\n", "Subject: three\n\n3\n");
        Assert.StartsWith("s OK", (await t.CommandAsync("s SELECT searchmodseq (CONDSTORE)"))[^1]);

        // Message 2 is changed last, so the highest MODSEQ is neither the first message's nor the last's.
        var first = await StoreAsync(t, 1);
        var last = await StoreAsync(t, 3);
        var highest = await StoreAsync(t, 2);
        Assert.True(first < last && last < highest);

        Assert.Equal([$"* ESEARCH (TAG \"a\") MIN 1 MODSEQ {first}", "a OK SEARCH completed"], await t.CommandAsync("a SEARCH RETURN (MIN) MODSEQ 1"));
        Assert.Equal([$"* ESEARCH (TAG \"b\") MAX 3 MODSEQ {last}", "b OK SEARCH completed"], await t.CommandAsync("b SEARCH RETURN (MAX) MODSEQ 1"));
        Assert.Equal([$"* ESEARCH (TAG \"c\") MIN 1 MAX 3 MODSEQ {last}", "c OK SEARCH completed"], await t.CommandAsync("c SEARCH RETURN (MIN MAX) MODSEQ 1"));
        Assert.Equal([$"* ESEARCH (TAG \"d\") MIN 1 COUNT 3 MODSEQ {highest}", "d OK SEARCH completed"], await t.CommandAsync("d SEARCH RETURN (MIN COUNT) MODSEQ 1"));
        Assert.Equal([$"* ESEARCH (TAG \"e\") ALL 1:3 MODSEQ {highest}", "e OK SEARCH completed"], await t.CommandAsync("e SEARCH RETURN (ALL) MODSEQ 1"));
        Assert.Equal([$"* ESEARCH (TAG \"f\") UID MAX 3 MODSEQ {last}", "f OK SEARCH completed"], await t.CommandAsync("f UID SEARCH RETURN (MAX) MODSEQ 1"));
    }

    private static async Task<ulong> StoreAsync(Transcript t, int seq)
    {
        var reply = await t.CommandAsync($"st STORE {seq} +FLAGS (\\Flagged)");
        Assert.StartsWith("st OK", reply[^1]);
        var m = Regex.Match(reply[0], $@"^\* {seq} FETCH \(.*MODSEQ \((\d+)\)");
        Assert.True(m.Success, string.Join("\n", reply));
        return ulong.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
