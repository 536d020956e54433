namespace EdgeMail.Imap.Tests.Commands;

// RFC 9051 §6.3.12 APPEND with a date-time: the internal date keeps the client's time zone.
public sealed class AppendTests(ImapServer server) : IClassFixture<ImapServer>
{
    [Fact]
    public async Task Internal_date_is_shown_in_the_zone_it_was_given_in_and_searched_by_that_day()
    {
        await using var t = await Transcript.ConnectAsync(server);
        Assert.StartsWith("c OK", (await t.CommandAsync("c CREATE zones"))[^1]);
        const string body = "Subject: late evening\r\n\r\nhi\r\n";
        await t.SendAsync($"a APPEND zones \"01-Jan-2026 23:30:00 -0500\" {{{body.Length}+}}\r\n{body}\r\n");
        Assert.StartsWith("a OK", (await t.ReadUntilTaggedAsync("a"))[^1]);
        Assert.StartsWith("s OK", (await t.CommandAsync("s SELECT zones"))[^1]);

        Assert.Contains("* 1 FETCH (INTERNALDATE \"01-Jan-2026 23:30:00 -0500\")", await t.CommandAsync("f FETCH 1 (INTERNALDATE)"));
        // RFC 9051 §6.4.4: ON compares the internal date "disregarding time and timezone": the day it was in New York.
        Assert.Contains("* SEARCH 1", await t.CommandAsync("o SEARCH ON 1-Jan-2026"));
        var nextDay = await t.CommandAsync("n SEARCH ON 2-Jan-2026");
        Assert.Contains("* SEARCH", nextDay);
        Assert.DoesNotContain("* SEARCH 1", nextDay);
    }
}
