using EdgeMail.Fetch.Tests.Support;
using EdgeMail.Store.Fetch;

namespace EdgeMail.Fetch.Tests;

/// <summary>
/// Debian's Dovecot as the provider, as a real ISP's server would be: IMAP with delete and with IDLE push, POP3 with
/// delete. The same rules as against EdgeMail's own servers: once each, delete only after the commit.
/// </summary>
public sealed class DovecotFetchTests : IAsyncLifetime
{
    private DovecotProvider _dovecot = null!;
    private Box _box = null!;

    public async Task InitializeAsync()
    {
        _dovecot = await DovecotProvider.StartAsync();
        _box = await Box.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _box.DisposeAsync();
        await _dovecot.DisposeAsync();
    }

    [Fact]
    public async Task IMAP_brings_each_message_once_deletes_it_there_and_pushes_new_mail_through_IDLE()
    {
        await _dovecot.AppendAsync("INBOX", "dv1", "dv2", "dv3");
        await AddAsync(FetchProtocol.Imap, _dovecot.ImapsPort, FetchRemoteAction.Delete);
        await _box.FetchAsync();
        Assert.Equal(["dv1", "dv2", "dv3"], await _box.TokensAsync());
        Assert.Empty(await _dovecot.TokensAsync("INBOX"));

        await EdgeMail.Testing.Eventually.TrueAsync(() => _box.Service.Live().Single().Idling, "the worker waits in IDLE on Dovecot");
        await _dovecot.AppendAsync("INBOX", "dv-pushed");
        await EdgeMail.Testing.Eventually.TrueAsync(async () => (await _box.TokensAsync()).Contains("dv-pushed"), "the pushed message is here", TimeSpan.FromSeconds(15));
        Assert.Equal(["dv1", "dv2", "dv3", "dv-pushed"], await _box.TokensAsync());
        Assert.Equal(0, await _box.FetchAsync());
    }

    [Fact]
    public async Task IMAP_keep_over_STARTTLS_from_two_folders_leaves_the_provider_as_it_was()
    {
        await _dovecot.AppendAsync("INBOX", "k1");
        await _dovecot.AppendAsync("Lists", "k2", "k3");
        await AddAsync(FetchProtocol.Imap, _dovecot.ImapPort, FetchRemoteAction.Keep, FetchSecurity.StartTls, ["INBOX", "Lists"]);
        await _box.FetchAsync();
        Assert.Equal(["k1", "k2", "k3"], await _box.TokensAsync());
        Assert.Equal(0, await _box.FetchAsync());
        Assert.Equal(["k1"], await _dovecot.TokensAsync("INBOX"));
        Assert.Equal(["k2", "k3"], await _dovecot.TokensAsync("Lists"));
    }

    [Fact]
    public async Task POP3_delete_brings_each_message_once_by_UIDL_and_empties_the_maildrop()
    {
        await _dovecot.AppendAsync("INBOX", "pop1", "pop2");
        await AddAsync(FetchProtocol.Pop3, _dovecot.Pop3sPort, FetchRemoteAction.Delete);
        await _box.FetchAsync();
        Assert.Equal(["pop1", "pop2"], await _box.TokensAsync());
        Assert.Empty(await _dovecot.TokensAsync("INBOX"));

        await _dovecot.AppendAsync("INBOX", "pop3");
        Assert.Equal(1, await _box.FetchAsync());
        Assert.Equal(["pop1", "pop2", "pop3"], await _box.TokensAsync());
    }

    private Task<FetchAccount> AddAsync(FetchProtocol protocol, int port, FetchRemoteAction action, FetchSecurity security = FetchSecurity.Tls, string[]? folders = null) =>
        _box.Store.AddFetchAccountAsync(new FetchAccountSpec(
            "provider", protocol, "127.0.0.1", port, security, DovecotProvider.User, DovecotProvider.Password, Box.Address, "INBOX",
            TimeSpan.FromMinutes(5), folders ?? ["INBOX"], action, null, InsecureTls: true)).ContinueWith(t =>
            {
                _box.Service.Reload();
                return t.Result;
            }, TaskScheduler.Default);
}
