namespace EdgeMail.Imap.Tests.Commands;

/// <summary>Imap:MaxMailboxes bounds what one account can make the store hold; CREATE past it is NO [LIMIT] (RFC 5530 §3).</summary>
public sealed class MailboxLimitTests
{
    [Fact]
    public async Task Create_past_the_limit_is_refused_until_a_mailbox_is_deleted()
    {
        var server = new ImapServer();
        server.Options.MaxMailboxes = 10;
        await server.InitializeAsync();
        try
        {
            await using var t = await Transcript.ConnectAsync(server);
            var existing = (await t.CommandAsync("l1 LIST \"\" *")).Count(line => line.StartsWith("* LIST ", StringComparison.Ordinal));
            Assert.InRange(existing, 1, 9);
            for (var i = 1; i <= 10 - existing; i++)
            {
                Assert.StartsWith($"c{i} OK", (await t.CommandAsync($"c{i} CREATE Folder{i}"))[^1]);
            }

            Assert.StartsWith("c10 NO [LIMIT]", (await t.CommandAsync("c10 CREATE Folder10"))[^1]);
            Assert.StartsWith("d1 OK", (await t.CommandAsync("d1 DELETE Folder1"))[^1]);
            Assert.StartsWith("c11 OK", (await t.CommandAsync("c11 CREATE Folder10"))[^1]);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
