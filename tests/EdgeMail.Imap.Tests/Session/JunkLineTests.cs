namespace EdgeMail.Imap.Tests.Session;

/// <summary>Lines that are not commands at all count towards Imap:MaxBadCommands like bad commands do.</summary>
public sealed class JunkLineTests(ImapServer server) : IClassFixture<ImapServer>
{
    [Theory]
    [InlineData("")]
    [InlineData("\0\0\0")]
    [InlineData("\u00e9\u00e9\u00e9 \u00ff")]
    [InlineData("   ")]
    public async Task Junk_lines_before_login_end_the_session_after_MaxBadCommands(string junk)
    {
        await using var t = await Transcript.ConnectAsync(server);
        for (var i = 0; i < server.Options.MaxBadCommands; i++)
        {
            await t.SendAsync(junk + "\r\n");
            Assert.Contains(" BAD ", await t.ReadLineAsync());
        }

        var bye = await t.ReadLineAsync();
        Assert.NotNull(bye);
        Assert.StartsWith("* BYE", bye);
        Assert.True(await t.IsClosedAsync());
    }
}
