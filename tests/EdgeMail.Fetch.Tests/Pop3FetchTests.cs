using EdgeMail.Fetch.Tests.Support;
using EdgeMail.Store.Fetch;

namespace EdgeMail.Fetch.Tests;

/// <summary>A POP3 maildrop pulled into the box by UIDL: once each; with delete, DELE only for what is committed, effective at QUIT.</summary>
public sealed class Pop3FetchTests : IAsyncLifetime
{
    private Provider _provider = null!;
    private Box _box = null!;

    public async Task InitializeAsync()
    {
        _provider = await Provider.StartAsync();
        _box = await Box.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _box.DisposeAsync();
        await _provider.DisposeAsync();
    }

    [Theory]
    [InlineData(FetchSecurity.Tls)]
    [InlineData(FetchSecurity.StartTls)]
    public async Task Keep_brings_each_message_once_by_its_UIDL(FetchSecurity security)
    {
        await _provider.DeliverAsync("INBOX", "p1", "p2");
        await _box.AddAsync(_provider, protocol: FetchProtocol.Pop3, security: security);
        await _box.FetchAsync();
        Assert.Equal(["p1", "p2"], await _box.TokensAsync());

        await _provider.DeliverAsync("INBOX", "p3");
        Assert.Equal(1, await _box.FetchAsync());
        Assert.Equal(0, await _box.FetchAsync());
        Assert.Equal(["p1", "p2", "p3"], await _box.TokensAsync());
        Assert.Equal(["p1", "p2", "p3"], await _provider.TokensAsync("INBOX"));

        var text = (await _box.TextsAsync())[0];
        Assert.Contains("with POP3 id provider.", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_empties_the_maildrop_of_what_is_committed_here()
    {
        await _provider.DeliverAsync("INBOX", "d1", "d2", "d3");
        await _box.AddAsync(_provider, protocol: FetchProtocol.Pop3, action: FetchRemoteAction.Delete);
        await _box.FetchAsync();

        Assert.Equal(["d1", "d2", "d3"], await _box.TokensAsync());
        Assert.Empty(await _provider.TokensAsync("INBOX"));

        // What it recorded shrinks with the maildrop.
        await _box.FetchAsync();
        var account = (await _box.Store.FindFetchAccountAsync("provider"))!;
        Assert.Empty(await _box.Store.GetFetchSeenAsync(account.Id, "INBOX"));
    }
}
