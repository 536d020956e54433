using EdgeMail.Auth.Scram;
using EdgeMail.Pop3.Session;
using EdgeMail.Store;
using EdgeMail.Store.Messages;
using EdgeMail.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeMail.Pop3.Tests;

public sealed class Pop3ExpiryServiceTests : IAsyncLifetime
{
    private readonly TempFolder _data = new();
    private readonly ManualTimeProvider _time = new();
    private MailStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = MailStore.Open(new StoreOptions { Path = _data.Path }, StoreOpenMode.Service, _time);
        await Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _data.Dispose();
    }

    private async Task<(long Account, long Inbox, uint Uid)> FetchedMessageAsync(string address)
    {
        var account = await _store.CreateAccountAsync(address, ScramSecret.Create("x"));
        var inbox = (await _store.GetMailboxAsync(account.Id, "INBOX"))!;
        var appended = await _store.AppendAsync(inbox.Id, new AppendRequest(new MemoryStream("Subject: old\r\n\r\nx\r\n"u8.ToArray())));
        await _store.RecordRetrievedAsync(inbox.Id, [appended.Uid]);
        return (account.Id, inbox.Id, appended.Uid);
    }

    [Fact]
    public async Task The_sweep_removes_messages_retrieved_expire_days_ago_and_skips_a_maildrop_in_use()
    {
        var idle = await FetchedMessageAsync("idle@edgemail.local");
        var busy = await FetchedMessageAsync("busy@edgemail.local");
        var maildrops = new Pop3Maildrops();
        var sweeper = new Pop3ExpiryService(_store, maildrops, new Pop3Options { ExpireDays = 3 }, _time, NullLogger<Pop3ExpiryService>.Instance);

        _time.Advance(TimeSpan.FromDays(2));
        Assert.Equal(0, await sweeper.SweepAsync(default));

        _time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        using (maildrops.Locks.TryAcquire(busy.Account))
        {
            Assert.Equal(1, await sweeper.SweepAsync(default));
        }

        Assert.Null(await _store.GetMessageAsync(idle.Inbox, idle.Uid));
        Assert.NotNull(await _store.GetMessageAsync(busy.Inbox, busy.Uid));

        // Once the session has ended, the next sweep takes it too.
        Assert.Equal(1, await sweeper.SweepAsync(default));
        Assert.Null(await _store.GetMessageAsync(busy.Inbox, busy.Uid));
    }
}
