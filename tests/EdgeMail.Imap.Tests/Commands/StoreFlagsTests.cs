namespace EdgeMail.Imap.Tests.Commands;

/// <summary>STORE on several messages (RFC 9051 §6.4.6): the storing session hears once, the other session at its next command.</summary>
public sealed class StoreFlagsTests(ImapServer server) : IClassFixture<ImapServer>
{
    private static async Task FillAsync(Transcript t, string name, int count)
    {
        Assert.StartsWith("c OK", (await t.CommandAsync($"c CREATE {name}"))[^1]);
        for (var i = 1; i <= count; i++)
        {
            var body = $"Subject: s{i}\r\n\r\nbody\r\n";
            await t.SendAsync($"p{i} APPEND {name} {{{body.Length}+}}\r\n{body}\r\n");
            Assert.StartsWith($"p{i} OK", (await t.ReadUntilTaggedAsync($"p{i}"))[^1]);
        }

        Assert.StartsWith("s OK", (await t.CommandAsync($"s SELECT {name}"))[^1]);
    }

    private static List<string> Fetches(List<string> reply) => reply.Where(l => l.StartsWith("* ", StringComparison.Ordinal) && l.Contains(" FETCH ", StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task Store_silent_on_several_messages_sends_no_fetch_now_nor_at_the_next_command()
    {
        await using var a = await Transcript.ConnectAsync(server);
        await using var b = await Transcript.ConnectAsync(server);
        await FillAsync(a, "silent", 3);
        Assert.StartsWith("s OK", (await b.CommandAsync("s SELECT silent"))[^1]);
        Assert.Empty(Fetches(await a.CommandAsync("t STORE 1:3 +FLAGS.SILENT (\\Seen)")));

        // The marker: a change by the other session after the STORE. The store publishes a change to every
        // session's feed before the command that made it is answered, so when a's NOOP reports b's change it has
        // read its own STORE's changes too, and reports none of them.
        Assert.StartsWith("m OK", (await b.CommandAsync("m STORE 2 +FLAGS.SILENT (\\Answered)"))[^1]);
        Assert.Equal(["* 2 FETCH (UID 2 FLAGS (\\Seen \\Answered \\Recent))"], Fetches(await a.CommandAsync("n NOOP")));

        // The session that selected first holds \Recent for the messages (RFC 3501 §2.3.2).
        Assert.Equal(["* 1 FETCH (FLAGS (\\Seen \\Recent))", "* 2 FETCH (FLAGS (\\Seen \\Answered \\Recent))", "* 3 FETCH (FLAGS (\\Seen \\Recent))"], Fetches(await a.CommandAsync("f FETCH 1:3 (FLAGS)")));
    }

    [Fact]
    public async Task Store_on_several_messages_answers_one_fetch_each_and_the_other_session_hears_of_each_at_noop()
    {
        await using var a = await Transcript.ConnectAsync(server);
        await using var b = await Transcript.ConnectAsync(server);
        await FillAsync(a, "loud", 3);
        Assert.StartsWith("s OK", (await b.CommandAsync("s SELECT loud"))[^1]);

        // The filling session selected first and holds \Recent (RFC 3501 §2.3.2); the other session does not.
        Assert.Equal(["* 1 FETCH (FLAGS (\\Flagged \\Recent))", "* 2 FETCH (FLAGS (\\Flagged \\Recent))", "* 3 FETCH (FLAGS (\\Flagged \\Recent))"], Fetches(await a.CommandAsync("t STORE 1:3 +FLAGS (\\Flagged)")));

        // The store publishes a change to every session's feed before the command that made it is answered: b's
        // first NOOP reports each message, and a's NOOP, after b's marker change, reports only that.
        var heard = Fetches(await b.CommandAsync("n NOOP"));
        Assert.StartsWith("m OK", (await b.CommandAsync("m STORE 2 +FLAGS.SILENT (\\Answered)"))[^1]);
        Assert.Equal(["* 2 FETCH (UID 2 FLAGS (\\Answered \\Flagged \\Recent))"], Fetches(await a.CommandAsync("n NOOP")));
        Assert.Equal(["* 1 FETCH (UID 1 FLAGS (\\Flagged))", "* 2 FETCH (UID 2 FLAGS (\\Flagged))", "* 3 FETCH (UID 3 FLAGS (\\Flagged))"], heard);
    }
}
