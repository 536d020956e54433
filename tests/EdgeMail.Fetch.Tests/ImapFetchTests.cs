using EdgeMail.Fetch.Tests.Support;
using EdgeMail.Store.Fetch;
using MailKit;

namespace EdgeMail.Fetch.Tests;

/// <summary>An IMAP provider's folders pulled into the box: once each, whatever the remote action, whatever happens between passes.</summary>
public sealed class ImapFetchTests : IAsyncLifetime
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

    [Fact]
    public async Task Each_message_arrives_once_and_the_provider_keeps_it_unread()
    {
        await _provider.DeliverAsync("INBOX", "one", "two", "three");
        await _box.AddAsync(_provider);

        // The first pass may be the worker's own start or the one asked for: all three arrive, once.
        await _box.FetchAsync();
        Assert.Equal(["one", "two", "three"], await _box.TokensAsync());
        Assert.Equal(0, await _box.FetchAsync());

        await _provider.DeliverAsync("INBOX", "four");
        Assert.Equal(1, await _box.FetchAsync());
        Assert.Equal(["one", "two", "three", "four"], await _box.TokensAsync());

        // keep: everything is still there, and not marked read by the fetch (BODY.PEEK, EXAMINE).
        Assert.Equal(["one", "two", "three", "four"], await _provider.TokensAsync("INBOX"));
        using var client = await _provider.ConnectAsync();
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var flags = await client.Inbox.FetchAsync(0, -1, MessageSummaryItems.Flags);
        Assert.All(flags, f => Assert.False(f.Flags!.Value.HasFlag(MessageFlags.Seen)));
    }

    [Fact]
    public async Task The_local_copy_is_the_remote_message_behind_a_Received_line_naming_the_fetch_account()
    {
        await _provider.DeliverAsync("INBOX", "traced");
        await _box.AddAsync(_provider, name: "isp");
        await _box.FetchAsync("isp");

        var text = Assert.Single(await _box.TextsAsync());
        var received = text[..text.IndexOf("From: sender@example.org", StringComparison.Ordinal)];
        Assert.StartsWith("Received: from 127.0.0.1 ([127.0.0.1])\r\n\tby box.test (EdgeMail) with IMAP id isp.", received, StringComparison.Ordinal);
        Assert.Contains("(using TLSv1.", received, StringComparison.Ordinal);
        Assert.Contains("(fetched by isp from INBOX)", received, StringComparison.Ordinal);
        Assert.Contains("for <alice@edgemail.local>;", received, StringComparison.Ordinal);
        Assert.EndsWith(Provider.Message("traced"), text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_removes_at_the_provider_what_is_committed_here()
    {
        await _provider.DeliverAsync("INBOX", "a", "b", "c");
        await _box.AddAsync(_provider, action: FetchRemoteAction.Delete);
        await _box.FetchAsync();

        Assert.Equal(["a", "b", "c"], await _box.TokensAsync());
        Assert.Empty(await _provider.TokensAsync("INBOX"));

        await _provider.DeliverAsync("INBOX", "d");
        Assert.Equal(1, await _box.FetchAsync());
        Assert.Empty(await _provider.TokensAsync("INBOX"));
        Assert.Equal(["a", "b", "c", "d"], await _box.TokensAsync());
    }

    [Fact]
    public async Task Move_puts_committed_messages_into_the_remote_folder()
    {
        await _provider.DeliverAsync("INBOX", "m1", "m2");
        await _provider.DeliverAsync("Fetched");
        await _box.AddAsync(_provider, action: FetchRemoteAction.Move, moveTo: "Fetched");
        await _box.FetchAsync();

        Assert.Equal(["m1", "m2"], await _box.TokensAsync());
        Assert.Empty(await _provider.TokensAsync("INBOX"));
        Assert.Equal(["m1", "m2"], await _provider.TokensAsync("Fetched"));
        Assert.Equal(0, await _box.FetchAsync());
    }

    [Fact]
    public async Task Several_remote_folders_go_into_the_chosen_local_mailbox_which_is_made_when_missing()
    {
        await _provider.DeliverAsync("INBOX", "in1");
        await _provider.DeliverAsync("Lists", "list1", "list2");
        await _box.AddAsync(_provider, folders: ["INBOX", "Lists"], mailbox: "Provider");
        await _box.FetchAsync();

        Assert.Equal(["in1", "list1", "list2"], await _box.TokensAsync("Provider"));
        Assert.Empty(await _box.TokensAsync("INBOX"));
    }

    [Fact]
    public async Task A_new_UIDVALIDITY_fetches_only_what_is_new_by_Message_ID_size_and_date()
    {
        await _provider.DeliverAsync("Lists", "old1", "old2");
        await _box.AddAsync(_provider, folders: ["Lists"]);
        await _box.FetchAsync();
        Assert.Equal(["old1", "old2"], await _box.TokensAsync());

        // The provider rebuilds the folder (a new UIDVALIDITY, the same messages with new UIDs) and one more arrives.
        var before = (await _provider.Store.GetMailboxAsync(_provider.AccountId, "Lists"))!;
        await _provider.Store.DeleteMailboxAsync(_provider.AccountId, "Lists");
        await _provider.DeliverAsync("Lists", "old1", "old2", "new1");
        var after = (await _provider.Store.GetMailboxAsync(_provider.AccountId, "Lists"))!;
        Assert.NotEqual(before.UidValidity, after.UidValidity);

        Assert.Equal(1, await _box.FetchAsync());
        Assert.Equal(["old1", "old2", "new1"], await _box.TokensAsync());
        Assert.Equal(0, await _box.FetchAsync());

        // And what was matched is now known under the new UIDVALIDITY only.
        var account = (await _box.Store.FindFetchAccountAsync("provider"))!;
        var seen = await _box.Store.GetFetchSeenAsync(account.Id, "Lists");
        Assert.Equal(3, seen.Count);
        Assert.All(seen, s => Assert.Equal((long)after.UidValidity, s.UidValidity));
    }

    [Fact]
    public async Task STARTTLS_on_the_plain_port_works_as_implicit_TLS_does()
    {
        await _provider.DeliverAsync("INBOX", "over-starttls");
        await _box.AddAsync(_provider, security: FetchSecurity.StartTls);
        await _box.FetchAsync();
        Assert.Equal(["over-starttls"], await _box.TokensAsync());
    }

    [Fact]
    public async Task New_mail_arrives_through_IDLE_without_a_pass_being_asked_for()
    {
        await _provider.DeliverAsync("INBOX", "first");
        await _box.AddAsync(_provider);
        await _box.FetchAsync();
        await EdgeMail.Testing.Eventually.TrueAsync(() => _box.Service.Live().Single().Idling, "the worker waits in IDLE");

        await _provider.DeliverAsync("INBOX", "pushed");
        await EdgeMail.Testing.Eventually.TrueAsync(async () => (await _box.TokensAsync()).Contains("pushed"), "the pushed message is here", TimeSpan.FromSeconds(10));
        Assert.Equal(["first", "pushed"], await _box.TokensAsync());
    }

    [Fact]
    public async Task A_message_too_large_for_the_box_stays_at_the_provider_and_a_notice_takes_its_place()
    {
        await using var small = await Box.StartAsync(maxMessageBytes: 2_000);
        await _provider.DeliverAsync("INBOX", "fits");
        var mailbox = (await _provider.Store.GetMailboxAsync(_provider.AccountId, "INBOX"))!;
        await _provider.Store.AppendAsync(mailbox.Id, new EdgeMail.Store.Messages.AppendRequest(
            new MemoryStream(System.Text.Encoding.UTF8.GetBytes(Provider.Message("huge", bodyBytes: 5_000))), EdgeMail.Store.Messages.MessageFlags.None, [], null));
        await small.AddAsync(_provider, action: FetchRemoteAction.Delete);
        await small.FetchAsync();

        // The notice is delivered before the batch's bodies are fetched, so it comes first.
        Assert.Equal(["A message was left at 127.0.0.1", "fits"], await small.TokensAsync());
        var notice = (await small.TextsAsync())[0];
        Assert.Contains("larger than the 2000 bytes", notice, StringComparison.Ordinal);
        Assert.Contains("Subject: huge", notice, StringComparison.Ordinal);
        Assert.Equal(["huge"], await _provider.TokensAsync("INBOX"));
        Assert.Equal(0, await small.FetchAsync());
        Assert.Equal(2, (await small.TokensAsync()).Count);
    }
}
