namespace EdgeMail.Imap.Tests.Commands;

/// <summary>
/// \Recent for IMAP4rev1 sessions (RFC 3501 §2.3.2): a new message is recent in exactly one session, the first to
/// select the mailbox (or, for mail that arrives while it is selected, the session that has it selected); EXAMINE shows
/// it without claiming it (§6.3.2); IMAP4rev2 sessions neither see nor claim it.
/// </summary>
public sealed class RecentTests(ImapServer server) : IClassFixture<ImapServer>
{
    private static async Task AppendAsync(Transcript t, string mailbox, string subject)
    {
        var body = $"Subject: {subject}\r\n\r\nhello\r\n";
        await t.SendAsync($"p APPEND {mailbox} {{{body.Length}+}}\r\n{body}\r\n");
        Assert.StartsWith("p OK", (await t.ReadUntilTaggedAsync("p"))[^1]);
    }

    [Fact]
    public async Task The_first_rev1_session_to_select_gets_Recent_a_second_does_not_and_a_rev2_session_never_sees_it()
    {
        await using var deliverer = await Transcript.ConnectAsync(server);
        Assert.StartsWith("c OK", (await deliverer.CommandAsync("c CREATE recent1"))[^1]);
        await AppendAsync(deliverer, "recent1", "one");
        await AppendAsync(deliverer, "recent1", "two");

        await using var modern = await Transcript.ConnectAsync(server);
        Assert.StartsWith("e OK", (await modern.CommandAsync("e ENABLE IMAP4rev2"))[^1]);
        var rev2 = await modern.CommandAsync("s SELECT recent1");
        Assert.DoesNotContain(rev2, l => l.EndsWith(" RECENT", StringComparison.Ordinal));

        await using var peek = await Transcript.ConnectAsync(server);
        var examine = await peek.CommandAsync("x EXAMINE recent1");
        Assert.Contains("* 2 RECENT", examine);

        await using var first = await Transcript.ConnectAsync(server);
        var select = await first.CommandAsync("s SELECT recent1");
        Assert.Contains("* 2 RECENT", select);
        Assert.Equal(["* 1 FETCH (FLAGS (\\Recent))", "* 2 FETCH (FLAGS (\\Recent))", "f OK FETCH completed"], await first.CommandAsync("f FETCH 1:2 (FLAGS)"));
        Assert.Equal(["* SEARCH 1 2", "r OK SEARCH completed"], await first.CommandAsync("r SEARCH RECENT"));
        Assert.StartsWith("t OK", (await first.CommandAsync("t STORE 1 +FLAGS.SILENT (\\Seen)"))[^1]);
        Assert.Equal(["* SEARCH 2", "n OK SEARCH completed"], await first.CommandAsync("n SEARCH NEW"));
        Assert.Equal(["* SEARCH", "o OK SEARCH completed"], await first.CommandAsync("o SEARCH OLD"));

        await using var second = await Transcript.ConnectAsync(server);
        var again = await second.CommandAsync("s SELECT recent1");
        Assert.Contains("* 0 RECENT", again);
        Assert.Equal(["* 2 FETCH (FLAGS ())", "f OK FETCH completed"], await second.CommandAsync("f FETCH 2 (FLAGS)"));
        Assert.Equal(["* SEARCH 1 2", "o OK SEARCH completed"], await second.CommandAsync("o SEARCH OLD"));

        // Neither does the rev2 session see it, nor did its SELECT claim it: the first rev1 session still got both.
        Assert.Contains("* 2 FETCH (FLAGS ())", await modern.CommandAsync("f FETCH 2 (FLAGS)"));
    }

    [Fact]
    public async Task Mail_arriving_while_selected_is_recent_in_the_selecting_session_only_and_counted_by_STATUS_before()
    {
        await using var deliverer = await Transcript.ConnectAsync(server);
        Assert.StartsWith("c OK", (await deliverer.CommandAsync("c CREATE recent2"))[^1]);

        await using var first = await Transcript.ConnectAsync(server);
        await using var second = await Transcript.ConnectAsync(server);
        Assert.Contains("* 0 RECENT", await first.CommandAsync("s SELECT recent2"));
        await AppendAsync(deliverer, "recent2", "new");

        // The delivery is published before the APPEND's OK: the selecting session's next command reports it.
        var noop = await first.CommandAsync("n NOOP");
        Assert.Equal(["* 1 EXISTS", "* 1 RECENT", "n OK NOOP completed"], noop);
        Assert.Equal(["* 1 FETCH (FLAGS (\\Recent))", "f OK FETCH completed"], await first.CommandAsync("f FETCH 1 (FLAGS)"));

        Assert.Contains("* 0 RECENT", await second.CommandAsync("s SELECT recent2"));
        await AppendAsync(deliverer, "recent2", "newer");
        Assert.Equal(["* 2 EXISTS", "* 2 RECENT", "n OK NOOP completed"], await first.CommandAsync("n NOOP"));
        Assert.Equal(["* 2 EXISTS", "* 0 RECENT", "n OK NOOP completed"], await second.CommandAsync("n NOOP"));

        // STATUS counts what nobody has claimed; the selecting session's own count includes what it holds.
        await AppendAsync(deliverer, "recent2", "unclaimed");
        Assert.Contains("* STATUS recent2 (MESSAGES 3 RECENT 1)", await deliverer.CommandAsync("t STATUS recent2 (MESSAGES RECENT)"));
        await using var peek = await Transcript.ConnectAsync(server);
        Assert.Contains("* 1 RECENT", await peek.CommandAsync("x EXAMINE recent2"));
        Assert.Contains("* STATUS recent2 (RECENT 1)", await peek.CommandAsync("t STATUS recent2 (RECENT)"));

        // The selecting session hears of the third message with its STATUS and claims it then.
        Assert.Equal(["* STATUS recent2 (RECENT 3)", "* 3 EXISTS", "* 3 RECENT", "t OK STATUS completed"], await first.CommandAsync("t STATUS recent2 (RECENT)"));
        Assert.Contains("* STATUS recent2 (RECENT 0)", await deliverer.CommandAsync("t STATUS recent2 (RECENT)"));
    }

    [Fact]
    public async Task A_message_copied_into_a_mailbox_is_recent_for_the_session_that_selects_it()
    {
        await using var a = await Transcript.ConnectAsync(server);
        Assert.StartsWith("c OK", (await a.CommandAsync("c CREATE recent3"))[^1]);
        Assert.StartsWith("c OK", (await a.CommandAsync("c CREATE recent3-archive"))[^1]);
        await AppendAsync(a, "recent3", "to copy");
        Assert.Contains("* 1 RECENT", await a.CommandAsync("s SELECT recent3"));
        Assert.StartsWith("k OK", (await a.CommandAsync("k COPY 1 recent3-archive"))[^1]);

        await using var b = await Transcript.ConnectAsync(server);
        Assert.Contains("* 1 RECENT", await b.CommandAsync("s SELECT recent3-archive"));
        Assert.Equal(["* 1 FETCH (FLAGS (\\Recent))", "f OK FETCH completed"], await b.CommandAsync("f FETCH 1 (FLAGS)"));
    }
}
