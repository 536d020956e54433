using System.Text.RegularExpressions;

namespace EdgeMail.Imap.Tests.Session;

/// <summary>
/// What a client sees while another session changes the same mailbox (ImapSession invariants 6-8): FETCH responses
/// are never cut short by an expunge, flag updates never go back in MODSEQ, and a keyword is announced in FLAGS
/// before it is used. The other session's change is published before its tagged OK, so each step here is ordered
/// by the replies alone.
/// </summary>
public sealed partial class ConsistencyTests(ImapServer server) : IClassFixture<ImapServer>
{
    private static async Task<string> PrepareAsync(Transcript a, string name, int count)
    {
        Assert.StartsWith("c OK", (await a.CommandAsync($"c CREATE {name}"))[^1]);
        for (var i = 1; i <= count; i++)
        {
            var body = $"Subject: m{i}\r\n\r\n{new string('x', 2000 * i)}\r\n";
            await a.SendAsync($"p{i} APPEND {name} {{{body.Length}+}}\r\n{body}\r\n");
            Assert.StartsWith($"p{i} OK", (await a.ReadUntilTaggedAsync($"p{i}"))[^1]);
        }

        // The preparing session takes \Recent (RecentTests cover it), so the lines below show flags alone.
        Assert.StartsWith("s OK", (await a.CommandAsync($"s SELECT {name}"))[^1]);
        return name;
    }

    [Fact]
    public async Task Fetch_of_messages_expunged_by_another_session_answers_the_others_whole_and_says_EXPUNGEISSUED()
    {
        await using var a = await Transcript.ConnectAsync(server);
        await using var b = await Transcript.ConnectAsync(server);
        var name = await PrepareAsync(a, "cut1", 3);
        Assert.StartsWith("s OK", (await b.CommandAsync($"s SELECT {name}"))[^1]);
        Assert.StartsWith("s OK", (await a.CommandAsync($"s SELECT {name}"))[^1]);
        Assert.StartsWith("d OK", (await a.CommandAsync("d STORE 2 +FLAGS.SILENT (\\Deleted)"))[^1]);
        Assert.StartsWith("e OK", (await a.CommandAsync("e EXPUNGE"))[^1]);

        var fetch = await b.CommandAsync("f FETCH 1:3 (UID RFC822.SIZE BODY.PEEK[])");

        // Message 2 keeps its number until its EXPUNGE, gets no response, and the other two are complete.
        Assert.Equal(3, fetch.Count);
        Assert.Matches(@"^\* 1 FETCH \(UID \d+ RFC822.SIZE 2017 BODY\[\] \{2017\}\r\nSubject: m1\r\n\r\nx{2000}\r\n\)$", fetch[0]);
        Assert.Matches(@"^\* 3 FETCH \(UID \d+ RFC822.SIZE 6017 BODY\[\] \{6017\}\r\nSubject: m3\r\n\r\nx{6000}\r\n\)$", fetch[1]);
        Assert.Equal("f OK [EXPUNGEISSUED] FETCH completed; some messages were expunged meanwhile", fetch[2]);

        var noop = await b.CommandAsync("n NOOP");
        Assert.Equal(["* 2 EXPUNGE", "n OK NOOP completed"], noop);
    }

    [Fact]
    public async Task A_silent_store_reports_another_sessions_change_folded_in_and_never_an_older_state_after_it()
    {
        await using var a = await Transcript.ConnectAsync(server);
        await using var b = await Transcript.ConnectAsync(server);
        var name = await PrepareAsync(a, "coalesce1", 2);
        var select = await b.CommandAsync($"s SELECT {name} (CONDSTORE)");
        Assert.StartsWith("s OK", select[^1]);
        Assert.StartsWith("s OK", (await a.CommandAsync($"s SELECT {name}"))[^1]);

        // Another session labels message 1 twice; this one, not yet told, marks it deleted.
        Assert.StartsWith("k OK", (await a.CommandAsync("k STORE 1 +FLAGS.SILENT ($Label3)"))[^1]);
        Assert.StartsWith("l OK", (await a.CommandAsync("l STORE 1 +FLAGS.SILENT ($Label4)"))[^1]);
        var store = await b.CommandAsync("t STORE 1 +FLAGS.SILENT (\\Deleted)");

        // One FETCH for message 1: the newest state, the other session's labels with this session's \Deleted.
        var fetches = store.Where(l => l.StartsWith("* 1 FETCH", StringComparison.Ordinal)).ToList();
        var only = Assert.Single(fetches);
        Assert.Matches(@"^\* 1 FETCH \(FLAGS \(\\Deleted \$Label3 \$Label4\) MODSEQ \(\d+\)\)$", only);
        var modseq = ModSeq(only);
        Assert.StartsWith("t OK", store[^1]);

        // Nothing older follows, now or at the next command.
        var noop = await b.CommandAsync("n NOOP");
        Assert.DoesNotContain(noop, l => l.StartsWith("* 1 FETCH", StringComparison.Ordinal));
        var fetch = await b.CommandAsync("f FETCH 1 (FLAGS MODSEQ)");
        Assert.Equal(modseq, ModSeq(fetch[^2]));
    }

    [Fact]
    public async Task A_fetch_folds_in_pending_changes_so_the_update_after_it_is_not_older()
    {
        await using var a = await Transcript.ConnectAsync(server);
        await using var b = await Transcript.ConnectAsync(server);
        var name = await PrepareAsync(a, "coalesce2", 1);
        Assert.StartsWith("s OK", (await b.CommandAsync($"s SELECT {name} (CONDSTORE)"))[^1]);
        Assert.StartsWith("s OK", (await a.CommandAsync($"s SELECT {name}"))[^1]);
        Assert.StartsWith("k OK", (await a.CommandAsync("k STORE 1 +FLAGS.SILENT (\\Seen)"))[^1]);
        Assert.StartsWith("l OK", (await a.CommandAsync("l STORE 1 +FLAGS.SILENT (\\Flagged)"))[^1]);

        // The client asks for MODSEQ only: the response carries FLAGS too, since it supersedes the pending updates.
        var fetch = await b.CommandAsync("f FETCH 1 (MODSEQ)");
        Assert.Equal(2, fetch.Count);
        Assert.Matches(@"^\* 1 FETCH \(FLAGS \(\\Seen \\Flagged\) MODSEQ \(\d+\)\)$", fetch[0]);
        Assert.StartsWith("f OK", fetch[1]);
        Assert.Equal(["n OK NOOP completed"], await b.CommandAsync("n NOOP"));
    }

    [Fact]
    public async Task Keywords_set_by_another_session_are_announced_in_FLAGS_before_the_FETCH_that_uses_them()
    {
        await using var a = await Transcript.ConnectAsync(server);
        await using var b = await Transcript.ConnectAsync(server);
        var name = await PrepareAsync(a, "kw1", 2);
        var select = await b.CommandAsync($"s SELECT {name}");
        Assert.Contains("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded $MDNSent $Junk $NotJunk $Phishing)", select);
        Assert.StartsWith("s OK", (await a.CommandAsync($"s SELECT {name}"))[^1]);
        Assert.StartsWith("k OK", (await a.CommandAsync("k STORE 2 +FLAGS.SILENT ($Label1)"))[^1]);

        var noop = await b.CommandAsync("n NOOP");
        Assert.Equal(
            [
                "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded $MDNSent $Junk $NotJunk $Phishing $Label1)",
                "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded $MDNSent $Junk $NotJunk $Phishing $Label1 \\*)] flags permitted",
                $"* 2 FETCH (UID {Uid(await b.CommandAsync("u FETCH 2 (UID)"))} FLAGS ($Label1))",
                "n OK NOOP completed",
            ],
            noop);

        // This session's own new keyword is announced before its STORE answer; a known one is not announced again.
        var store = await b.CommandAsync("t STORE 1 +FLAGS ($Label2 $Label1)");
        Assert.Equal(
            [
                "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded $MDNSent $Junk $NotJunk $Phishing $Label1 $Label2)",
                "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded $MDNSent $Junk $NotJunk $Phishing $Label1 $Label2 \\*)] flags permitted",
                "* 1 FETCH (FLAGS ($Label1 $Label2))",
                "t OK STORE completed",
            ],
            store);
    }

    [Fact]
    public async Task A_keyword_brought_by_APPEND_is_announced_before_the_first_FETCH_that_shows_it()
    {
        await using var a = await Transcript.ConnectAsync(server);
        await using var b = await Transcript.ConnectAsync(server);
        var name = await PrepareAsync(a, "kw2", 1);
        Assert.StartsWith("s OK", (await b.CommandAsync($"s SELECT {name}"))[^1]);
        const string body = "Subject: labelled\r\n\r\nhi\r\n";
        await a.SendAsync($"p APPEND {name} ($Label5 \\Seen) {{{body.Length}+}}\r\n{body}\r\n");
        Assert.StartsWith("p OK", (await a.ReadUntilTaggedAsync("p"))[^1]);

        var fetch = (await b.CommandAsync("n NOOP")).Concat(await b.CommandAsync("f FETCH 2 (FLAGS)")).ToList();
        var flags = fetch.FindIndex(l => l.StartsWith("* FLAGS (", StringComparison.Ordinal) && l.Contains("$Label5", StringComparison.Ordinal));
        var use = fetch.FindIndex(l => l.StartsWith("* 2 FETCH (FLAGS (\\Seen $Label5))", StringComparison.Ordinal));
        Assert.True(flags >= 0 && use > flags, string.Join(" | ", fetch));
    }

    private static ulong ModSeq(string line) => ulong.Parse(ModSeqPattern().Match(line).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    private static string Uid(List<string> reply) => UidPattern().Match(reply[0]).Groups[1].Value;

    [GeneratedRegex(@"MODSEQ \((\d+)\)")]
    private static partial Regex ModSeqPattern();

    [GeneratedRegex(@"UID (\d+)")]
    private static partial Regex UidPattern();
}
