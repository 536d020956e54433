namespace EdgeMail.Imap.Tests.Commands;

/// <summary>A rev1 client's mailbox names are modified UTF-7 (RFC 3501 §5.1.3); one that is not well formed is refused.</summary>
public sealed class MailboxNameEncodingTests(ImapServer server) : IClassFixture<ImapServer>
{
    [Theory]
    [InlineData("bad&utf7")]
    [InlineData("bad&Jjo")]
    [InlineData("&ZZZ-")]
    public async Task Create_with_invalid_modified_UTF7_is_refused_and_nothing_is_stored(string name)
    {
        await using var t = await Transcript.ConnectAsync(server);

        Assert.StartsWith("c1 NO [CANNOT]", (await t.CommandAsync($"c1 CREATE \"{name}\""))[^1]);
        var listed = await t.CommandAsync("l1 LIST \"\" *");
        Assert.DoesNotContain(listed, line => line.Contains("bad", StringComparison.Ordinal) || line.Contains("&ZZZ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_ampersand_written_as_the_RFC_says_round_trips()
    {
        await using var t = await Transcript.ConnectAsync(server);

        Assert.StartsWith("c1 OK", (await t.CommandAsync("c1 CREATE \"Tom&-Jerry\""))[^1]);
        var listed = await t.CommandAsync("l1 LIST \"\" Tom*");
        Assert.Contains(listed, line => line.EndsWith("\"/\" \"Tom&-Jerry\"", StringComparison.Ordinal) || line.EndsWith("\"/\" Tom&-Jerry", StringComparison.Ordinal));
        Assert.StartsWith("d1 OK", (await t.CommandAsync("d1 DELETE \"Tom&-Jerry\""))[^1]);
    }
}
