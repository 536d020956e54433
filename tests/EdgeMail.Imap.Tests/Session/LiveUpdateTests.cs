namespace EdgeMail.Imap.Tests.Session;

/// <summary>
/// Two sessions on one mailbox (ImapSession invariants 1-3; RFC 9051 §7.5.1): an EXPUNGE made by one session
/// reaches the other at its next command that may carry it, never during FETCH, STORE or SEARCH.
/// </summary>
public sealed class LiveUpdateTests(ImapServer server) : IClassFixture<ImapServer>
{
    private static async Task<string> PrepareAsync(Transcript a, string name)
    {
        Assert.StartsWith("c OK", (await a.CommandAsync($"c CREATE {name}"))[^1]);
        for (var i = 1; i <= 3; i++)
        {
            var body = $"Subject: m{i}\r\n\r\nbody {i}\r\n";
            await a.SendAsync($"p{i} APPEND {name} {{{body.Length}+}}\r\n{body}\r\n");
            Assert.StartsWith($"p{i} OK", (await a.ReadUntilTaggedAsync($"p{i}"))[^1]);
        }

        return name;
    }

    private static async Task ExpungeSecondAsync(Transcript a, string name)
    {
        Assert.StartsWith("s OK", (await a.CommandAsync($"s SELECT {name}"))[^1]);
        Assert.StartsWith("d OK", (await a.CommandAsync("d STORE 2 +FLAGS.SILENT (\\Deleted)"))[^1]);
        var expunge = await a.CommandAsync("e EXPUNGE");
        Assert.Equal(["* 2 EXPUNGE", "e OK"], expunge.Select(l => l[..Math.Min(l.Length, l.StartsWith('e') ? 4 : 99)]));

        // No wait is needed: the store publishes a change to every session's feed before the command that made it
        // is answered, so the other session holds the EXPUNGE from here on, and its very next NOOP must send it.
    }

    private static async Task<List<string>> NoopAsync(Transcript b, string expected)
    {
        var reply = await b.CommandAsync("n NOOP");
        Assert.True(reply.Contains(expected), $"no {expected} at the first NOOP: {string.Join(" | ", reply)}");
        return reply;
    }

    [Fact]
    public async Task Expunge_by_another_session_is_not_sent_during_fetch_store_or_search_but_at_the_next_noop()
    {
        await using var a = await Transcript.ConnectAsync(server);
        await using var b = await Transcript.ConnectAsync(server);
        var name = await PrepareAsync(a, "live1");
        var select = await b.CommandAsync($"s SELECT {name}");
        Assert.Contains("* 3 EXISTS", select);
        var before = await b.CommandAsync("u FETCH 1:3 (UID)");
        var uid3 = before.Single(l => l.StartsWith("* 3 FETCH", StringComparison.Ordinal));

        await ExpungeSecondAsync(a, name);

        var fetch = await b.CommandAsync("f FETCH 1:3 (UID FLAGS)");
        Assert.DoesNotContain(fetch, l => l.EndsWith(" EXPUNGE", StringComparison.Ordinal));
        Assert.StartsWith("f OK", fetch[^1]);

        // Until the EXPUNGE is sent, message 3 is still message 3.
        Assert.Contains(fetch, l => l.StartsWith(uid3.Split(')')[0], StringComparison.Ordinal));

        var store = await b.CommandAsync("t STORE 3 +FLAGS (\\Flagged)");
        Assert.DoesNotContain(store, l => l.EndsWith(" EXPUNGE", StringComparison.Ordinal));
        Assert.Contains(store, l => l.StartsWith("* 3 FETCH", StringComparison.Ordinal) && l.Contains("\\Flagged", StringComparison.Ordinal));

        var search = await b.CommandAsync("r SEARCH FLAGGED");
        Assert.DoesNotContain(search, l => l.EndsWith(" EXPUNGE", StringComparison.Ordinal));
        Assert.Contains("* SEARCH 3", search);

        await NoopAsync(b, "* 2 EXPUNGE");

        // Now the map has shifted: the old message 3 is message 2.
        var after = await b.CommandAsync("g FETCH 1:* (UID)");
        Assert.Equal(3, after.Count);
        Assert.Equal(uid3.Replace("* 3 ", "* 2 ", StringComparison.Ordinal), after[1]);
    }

    [Fact]
    public async Task Expunge_by_another_session_is_sent_once_and_idle_session_sees_it_at_noop()
    {
        await using var a = await Transcript.ConnectAsync(server);
        await using var b = await Transcript.ConnectAsync(server);
        var name = await PrepareAsync(a, "live2");
        Assert.StartsWith("s OK", (await b.CommandAsync($"s SELECT {name}"))[^1]);

        await ExpungeSecondAsync(a, name);

        var noop = await NoopAsync(b, "* 2 EXPUNGE");
        Assert.Single(noop, l => l.Contains("EXPUNGE", StringComparison.Ordinal));
        var again = await b.CommandAsync("x NOOP");
        Assert.Equal(["x OK NOOP completed"], again.Select(l => l.StartsWith("x OK", StringComparison.Ordinal) ? "x OK NOOP completed" : l));
    }

    [Fact]
    public async Task Delete_of_the_mailbox_another_session_has_selected_ends_that_session_with_BYE()
    {
        await using var a = await Transcript.ConnectAsync(server);
        await using var b = await Transcript.ConnectAsync(server);
        var name = await PrepareAsync(a, "live3");
        Assert.StartsWith("s OK", (await b.CommandAsync($"s SELECT {name}"))[^1]);
        Assert.StartsWith("d OK", (await a.CommandAsync($"d DELETE {name}"))[^1]);

        // The deletion is in b's feed once a's DELETE is answered: b's first command ends the session.
        await b.SendAsync("n NOOP\r\n");
        var bye = await b.ReadLineAsync();
        Assert.StartsWith("* BYE [UNAVAILABLE]", bye);
        Assert.True(await b.IsClosedAsync());
    }

    [Fact]
    public async Task Rename_of_the_mailbox_another_session_has_selected_keeps_that_session_working()
    {
        await using var a = await Transcript.ConnectAsync(server);
        await using var b = await Transcript.ConnectAsync(server);
        var name = await PrepareAsync(a, "live4");
        Assert.StartsWith("s OK", (await b.CommandAsync($"s SELECT {name}"))[^1]);
        Assert.StartsWith("r OK", (await a.CommandAsync($"r RENAME {name} live4-renamed"))[^1]);

        // The rename is in b's feed once a's RENAME is answered, so this NOOP is the one that would end b.

        Assert.StartsWith("n OK", (await b.CommandAsync("n NOOP"))[^1]);
        var fetch = await b.CommandAsync("f FETCH 1:* (UID)");
        Assert.Equal(4, fetch.Count);
        Assert.Contains("* STATUS live4-renamed (MESSAGES 3)", await b.CommandAsync("t STATUS live4-renamed (MESSAGES)"));
    }

    [Fact]
    public async Task Expunge_by_another_session_is_sent_at_once_during_idle()
    {
        await using var a = await Transcript.ConnectAsync(server);
        await using var b = await Transcript.ConnectAsync(server);
        var name = await PrepareAsync(a, "live5");
        Assert.StartsWith("s OK", (await b.CommandAsync($"s SELECT {name}"))[^1]);
        await b.SendAsync("i IDLE\r\n");
        Assert.StartsWith("+", await b.ReadLineAsync());

        // RFC 2177: while idling, the server sends untagged responses as they happen, EXPUNGE included.
        Assert.StartsWith("s OK", (await a.CommandAsync($"s SELECT {name}"))[^1]);
        Assert.StartsWith("d OK", (await a.CommandAsync("d STORE 2 +FLAGS.SILENT (\\Deleted)"))[^1]);
        Assert.Equal("* 2 FETCH (UID 2 FLAGS (\\Deleted \\Recent))", await b.ReadLineAsync());
        Assert.StartsWith("e OK", (await a.CommandAsync("e EXPUNGE"))[^1]);
        Assert.Equal("* 2 EXPUNGE", await b.ReadLineAsync());

        await b.SendAsync("DONE\r\n");
        Assert.Equal(["i OK IDLE terminated"], await b.ReadUntilTaggedAsync("i"));
    }
}
