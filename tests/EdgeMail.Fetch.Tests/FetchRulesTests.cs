using EdgeMail.Store.Fetch;

namespace EdgeMail.Fetch.Tests;

/// <summary>The small rules: the retry delays, and what a fetch account may be.</summary>
public sealed class FetchRulesTests
{
    [Fact]
    public void Retries_wait_one_minute_doubling_up_to_thirty()
    {
        var options = new FetchOptions();
        Assert.Equal([1, 2, 4, 8, 16, 30, 30], Enumerable.Range(1, 7).Select(n => FetchBackoff.After(n, options).TotalMinutes));
    }

    [Theory]
    [InlineData("bad name")]
    [InlineData("../etc")]
    [InlineData("")]
    public void Names_are_plain_tokens(string name) =>
        Assert.StartsWith("a fetch account name is", (Spec() with { Name = name }).Validate(), StringComparison.Ordinal);

    [Fact]
    public void A_plain_spec_is_valid() => Assert.Null(Spec().Validate());

    [Fact]
    public void POP3_has_one_folder_and_cannot_move()
    {
        Assert.StartsWith("POP3 has one mailbox", (Spec() with { Protocol = FetchProtocol.Pop3, Folders = ["INBOX", "Other"] }).Validate(), StringComparison.Ordinal);
        Assert.StartsWith("POP3 cannot move", (Spec() with { Protocol = FetchProtocol.Pop3, RemoteAction = FetchRemoteAction.Move, MoveTo = "Old" }).Validate(), StringComparison.Ordinal);
        Assert.Null((Spec() with { Protocol = FetchProtocol.Pop3, RemoteAction = FetchRemoteAction.Delete }).Validate());
    }

    [Fact]
    public void A_move_needs_a_folder_that_is_not_fetched_itself()
    {
        Assert.StartsWith("move needs a remote folder", (Spec() with { RemoteAction = FetchRemoteAction.Move }).Validate(), StringComparison.Ordinal);
        Assert.StartsWith("the move target cannot be", (Spec() with { RemoteAction = FetchRemoteAction.Move, MoveTo = "INBOX" }).Validate(), StringComparison.Ordinal);
    }

    [Fact]
    public void Intervals_are_between_a_minute_and_a_day_and_passwords_one_line()
    {
        Assert.NotNull((Spec() with { Interval = TimeSpan.FromSeconds(30) }).Validate());
        Assert.NotNull((Spec() with { Interval = TimeSpan.FromDays(2) }).Validate());
        Assert.NotNull((Spec() with { Password = "a\r\nb" }).Validate());
        Assert.NotNull((Spec() with { Host = "imap.example.net/evil" }).Validate());
    }

    private static FetchAccountSpec Spec() => new(
        "isp", FetchProtocol.Imap, "imap.example.net", 993, FetchSecurity.Tls, "ann", "secret", "ann@edgemail.local", "INBOX",
        TimeSpan.FromMinutes(5), ["INBOX"], FetchRemoteAction.Keep, null, false);
}
