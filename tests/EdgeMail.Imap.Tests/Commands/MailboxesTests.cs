namespace EdgeMail.Imap.Tests.Commands;

/// <summary>CREATE, DELETE and RENAME on a raw socket (RFC 9051 §6.3.4-§6.3.6).</summary>
public sealed class MailboxesTests(ImapServer server) : IClassFixture<ImapServer>
{
    [Fact]
    public async Task Delete_of_a_mailbox_with_children_answers_HASCHILDREN_and_keeps_it_selected()
    {
        await using var t = await Transcript.ConnectAsync(server);
        Assert.StartsWith("a OK", (await t.CommandAsync("a CREATE family/child"))[^1]);
        Assert.StartsWith("b OK", (await t.CommandAsync("b SELECT family"))[^1]);

        var refused = await t.CommandAsync("c DELETE family");
        Assert.StartsWith("c NO [HASCHILDREN]", refused[^1]);
        Assert.StartsWith("d OK", (await t.CommandAsync("d CHECK"))[^1]);

        Assert.StartsWith("e OK", (await t.CommandAsync("e DELETE family/child"))[^1]);
        Assert.StartsWith("f OK", (await t.CommandAsync("f DELETE family"))[^1]);
        Assert.Equal(["g OK LIST completed"], await t.CommandAsync("g LIST \"\" family*"));
    }

    [Fact]
    public async Task Rename_moves_the_children_and_delete_of_a_missing_mailbox_answers_NONEXISTENT()
    {
        await using var t = await Transcript.ConnectAsync(server);
        Assert.StartsWith("a OK", (await t.CommandAsync("a CREATE old/kid"))[^1]);
        Assert.StartsWith("b OK", (await t.CommandAsync("b RENAME old new"))[^1]);
        Assert.Equal(["* LIST (\\HasChildren) \"/\" new", "* LIST (\\HasNoChildren) \"/\" new/kid", "c OK LIST completed"], await t.CommandAsync("c LIST \"\" new*"));
        Assert.Equal(["d OK LIST completed"], await t.CommandAsync("d LIST \"\" old*"));
        Assert.StartsWith("e NO [NONEXISTENT]", (await t.CommandAsync("e DELETE old"))[^1]);
    }
}
