using EdgeMail.Imap.Session;
using EdgeMail.Store;
using EdgeMail.Testing;
using AppendRequest = EdgeMail.Store.Messages.AppendRequest;
using MailStore = EdgeMail.Store.MailStore;

namespace EdgeMail.Imap.Tests.Session;

/// <summary>The shared UID maps: a session's copy plus its subscription always add up to the store's truth.</summary>
public sealed class UidMapCacheTests : IAsyncLifetime
{
    private readonly TempFolder _data = new();
    private MailStore _store = null!;
    private long _mailbox;
    private uint _validity;

    public async Task InitializeAsync()
    {
        _store = MailStore.Open(new StoreOptions { Path = _data.Path });
        var account = await _store.CreateAccountAsync("cache@edgemail.local", EdgeMail.Auth.Scram.ScramSecret.Create("x"));
        var inbox = (await _store.GetMailboxAsync(account.Id, "INBOX"))!;
        _mailbox = inbox.Id;
        _validity = inbox.UidValidity;
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _data.Dispose();
    }

    private async Task AppendAsync(int count)
    {
        var tasks = new List<Task>();
        for (var i = 0; i < count; i++)
        {
            tasks.Add(_store.AppendAsync(_mailbox, new AppendRequest(new MemoryStream("Subject: x\r\n\r\nx\r\n"u8.ToArray()))));
        }

        await Task.WhenAll(tasks);
    }

    [Fact]
    public async Task Copies_taken_while_others_append_and_expunge_match_the_store_once_their_changes_are_applied()
    {
        var cache = new UidMapCache(_store);
        await AppendAsync(50);
        var random = new Random(7);
        for (var round = 0; round < 30; round++)
        {
            // Writers run while sessions open the mailbox, some from the store, later ones from the shared map.
            var writer = Task.Run(async () =>
            {
                await AppendAsync(random.Next(1, 6));
                var uids = await _store.ListUidsAsync(_mailbox);
                await _store.ExpungeAsync(_mailbox, [uids[random.Next(uids.Length)]], onlyDeleted: false);
            });
            var (changes, map) = await cache.OpenAsync(_mailbox, _validity, default);
            using (changes)
            {
                await writer;
                while (changes.Reader.TryRead(out var change))
                {
                    map.Apply(change);
                }

                Assert.Equal(await _store.ListUidsAsync(_mailbox), map.Enumerate());
            }
        }
    }

    [Fact]
    public async Task A_map_cached_for_a_mailbox_id_is_not_served_for_a_new_mailbox_with_another_uidvalidity()
    {
        var cache = new UidMapCache(_store);
        await AppendAsync(3);
        var (first, map) = await cache.OpenAsync(_mailbox, _validity, default);
        first.Dispose();
        Assert.Equal(3, map.Count);

        // The command line (another process, whose changes never reach this feed) empties the mailbox, as when it
        // removes an account and the id comes back for a new mailbox with a new UIDVALIDITY.
        await using (var admin = MailStore.Open(new StoreOptions { Path = _data.Path }, StoreOpenMode.Admin))
        {
            await admin.ExpungeAsync(_mailbox, null, onlyDeleted: false);
        }

        var (second, fresh) = await cache.OpenAsync(_mailbox, _validity + 1, default);
        second.Dispose();
        Assert.Equal(0, fresh.Count);
    }
}
