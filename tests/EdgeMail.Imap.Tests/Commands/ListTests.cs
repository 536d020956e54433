namespace EdgeMail.Imap.Tests.Commands;

/// <summary>
/// LIST and LSUB on a raw socket: the list-mailbox grammar (RFC 9051 §9), LSUB's \Noselect parents (RFC 3501 §6.3.9)
/// and LIST-EXTENDED's SUBSCRIBED selection with RECURSIVEMATCH (RFC 5258 §3, §3.5).
/// </summary>
public sealed class ListTests(ImapServer server) : IClassFixture<ImapServer>
{
    [Fact]
    public async Task List_takes_a_pattern_that_begins_with_a_tilde_as_an_atom()
    {
        await using var t = await Transcript.ConnectAsync(server);
        Assert.Equal(["a OK CREATE completed"], await t.CommandAsync("a CREATE ~tilde"));

        Assert.Equal(["* LIST (\\HasNoChildren) \"/\" ~tilde", "b OK LIST completed"], await t.CommandAsync("b LIST \"\" ~tilde"));
        Assert.Equal(["* LIST (\\HasNoChildren) \"/\" ~tilde", "c OK LIST completed"], await t.CommandAsync("c LIST \"\" ~til%"));
        Assert.Equal(["* LIST (\\HasNoChildren) \"/\" ~tilde", "d OK LIST completed"], await t.CommandAsync("d LIST ~ti lde"));
        Assert.Equal(["e OK LIST completed"], await t.CommandAsync("e LIST \"\" ~t]*"));
    }

    [Fact]
    public async Task Lsub_with_percent_lists_the_unsubscribed_parent_of_a_subscribed_child_as_Noselect()
    {
        await using var t = await Transcript.ConnectAsync(server);
        Assert.StartsWith("a OK", (await t.CommandAsync("a CREATE lsubparent/kid"))[^1]);
        Assert.StartsWith("b OK", (await t.CommandAsync("b SUBSCRIBE lsubparent/kid"))[^1]);

        Assert.Equal(["* LSUB (\\Noselect) \"/\" lsubparent", "c OK LSUB completed"], await t.CommandAsync("c LSUB \"\" lsubpar%"));
        Assert.Equal(["* LSUB () \"/\" lsubparent/kid", "d OK LSUB completed"], await t.CommandAsync("d LSUB \"\" lsubparent/%"));

        // "*" reaches the child itself, so its parent is not listed.
        Assert.Equal(["* LSUB () \"/\" lsubparent/kid", "e OK LSUB completed"], await t.CommandAsync("e LSUB \"\" lsubpar*"));
    }

    [Fact]
    public async Task A_subscription_outlives_the_mailbox_another_session_deleted_until_it_is_unsubscribed()
    {
        await using var a = await Transcript.ConnectAsync(server);
        await using var b = await Transcript.ConnectAsync(server);
        Assert.StartsWith("a OK", (await a.CommandAsync("a CREATE gonebox"))[^1]);
        Assert.StartsWith("b OK", (await a.CommandAsync("b SUBSCRIBE gonebox"))[^1]);
        Assert.Equal(["* LSUB () \"/\" gonebox", "c OK LSUB completed"], await a.CommandAsync("c LSUB \"\" gonebox"));

        Assert.Equal(["x OK DELETE completed"], await b.CommandAsync("x DELETE gonebox"));

        // RFC 3501 §6.3.9: the server MUST NOT remove the name from the subscriptions; it can no longer be selected.
        Assert.Equal(["* LSUB (\\Noselect) \"/\" gonebox", "d OK LSUB completed"], await a.CommandAsync("d LSUB \"\" gonebox"));
        Assert.Equal(["* LIST (\\Subscribed \\NonExistent) \"/\" gonebox", "e OK LIST completed"], await a.CommandAsync("e LIST (SUBSCRIBED) \"\" gonebox"));
        Assert.Equal(["f OK LIST completed"], await a.CommandAsync("f LIST \"\" gonebox"));

        Assert.Equal(["g OK UNSUBSCRIBE completed"], await a.CommandAsync("g UNSUBSCRIBE gonebox"));
        Assert.Equal(["h OK LSUB completed"], await a.CommandAsync("h LSUB \"\" gonebox"));
        Assert.Equal(["i OK LIST completed"], await b.CommandAsync("i LIST (SUBSCRIBED) \"\" gonebox"));
    }

    [Fact]
    public async Task Recursivematch_sends_childinfo_only_for_a_parent_whose_subscribed_child_the_pattern_does_not_reach()
    {
        await using var t = await Transcript.ConnectAsync(server);
        Assert.StartsWith("a OK", (await t.CommandAsync("a CREATE rmatch/kid"))[^1]);
        Assert.StartsWith("b OK", (await t.CommandAsync("b SUBSCRIBE rmatch/kid"))[^1]);

        Assert.Equal(
            ["* LIST (\\HasChildren) \"/\" rmatch (\"CHILDINFO\" (\"SUBSCRIBED\"))", "c OK LIST completed"],
            await t.CommandAsync("c LIST (SUBSCRIBED RECURSIVEMATCH) \"\" rmat%"));

        // RFC 5258 §3.5: the child matched and is listed itself, so the parent is not listed for it.
        Assert.Equal(
            ["* LIST (\\HasNoChildren \\Subscribed) \"/\" rmatch/kid", "d OK LIST completed"],
            await t.CommandAsync("d LIST (SUBSCRIBED RECURSIVEMATCH) \"\" rmat*"));

        // A subscribed parent is listed for itself, and with CHILDINFO when its subscribed child is out of the pattern's reach.
        Assert.StartsWith("e OK", (await t.CommandAsync("e SUBSCRIBE rmatch"))[^1]);
        Assert.Equal(
            ["* LIST (\\HasChildren \\Subscribed) \"/\" rmatch (\"CHILDINFO\" (\"SUBSCRIBED\"))", "f OK LIST completed"],
            await t.CommandAsync("f LIST (SUBSCRIBED RECURSIVEMATCH) \"\" rmat%"));
        Assert.Equal(
            ["* LIST (\\HasChildren \\Subscribed) \"/\" rmatch", "* LIST (\\HasNoChildren \\Subscribed) \"/\" rmatch/kid", "g OK LIST completed"],
            await t.CommandAsync("g LIST (SUBSCRIBED RECURSIVEMATCH) \"\" rmat*"));
    }
}
