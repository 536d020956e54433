namespace EdgeMail.Delivery.Tests;

/// <summary>From an address to a mailbox: our domains only, existing accounts only, postmaster always (RFC 5321 §4.5.1).</summary>
public sealed class RoutingTests
{
    [Fact]
    public async Task An_address_of_an_account_goes_to_its_inbox_whatever_the_case()
    {
        await using var h = DeliveryHarness.Create();
        var ann = await h.AddAccountAsync("ann@home.test");

        var target = await h.Delivery.Router.RouteAsync("Ann@HOME.test");

        Assert.Equal(ann, target!.AccountId);
        Assert.Equal(await h.InboxAsync(ann), target.MailboxId);
    }

    [Fact]
    public async Task An_unknown_local_address_has_no_route()
    {
        await using var h = DeliveryHarness.Create();
        await h.AddAccountAsync("ann@home.test");

        Assert.True(h.Delivery.Router.IsLocal("bob@home.test"));
        Assert.Null(await h.Delivery.Router.RouteAsync("bob@home.test"));
    }

    [Theory]
    [InlineData("someone@example.net", false)]
    [InlineData("someone@home.test.", true)]
    [InlineData("someone@sub.home.test", false)]
    [InlineData("postmaster", true)]
    public async Task Only_our_domains_and_bare_postmaster_are_local(string address, bool local)
    {
        await using var h = DeliveryHarness.Create();
        Assert.Equal(local, h.Delivery.Router.IsLocal(address));
    }

    [Theory]
    [InlineData("postmaster")]
    [InlineData("postmaster@home.test")]
    [InlineData("PostMaster@other.test")]
    public async Task Postmaster_without_an_account_goes_to_the_oldest_account(string address)
    {
        await using var h = DeliveryHarness.Create(domains: ["home.test", "other.test"]);
        var first = await h.AddAccountAsync("first@home.test");
        await h.AddAccountAsync("second@other.test");

        Assert.Equal(first, (await h.Delivery.Router.RouteAsync(address))!.AccountId);
    }

    [Fact]
    public async Task Postmaster_goes_to_the_chosen_account_or_its_own()
    {
        await using var chosen = DeliveryHarness.Create(new DeliveryOptions { PostmasterAccount = "admin@home.test" });
        await chosen.AddAccountAsync("first@home.test");
        var admin = await chosen.AddAccountAsync("admin@home.test");
        Assert.Equal(admin, (await chosen.Delivery.Router.RouteAsync("postmaster@home.test"))!.AccountId);

        var own = await chosen.AddAccountAsync("postmaster@home.test");
        Assert.Equal(own, (await chosen.Delivery.Router.RouteAsync("postmaster@home.test"))!.AccountId);
    }
}
