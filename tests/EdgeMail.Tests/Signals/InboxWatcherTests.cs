using System.Collections.Concurrent;
using System.Text;
using EdgeMail.Auth.Scram;
using EdgeMail.Signals;
using EdgeMail.Store;
using EdgeMail.Store.Messages;
using EdgeMail.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeMail.Tests.Signals;

public sealed class InboxWatcherTests : IAsyncLifetime
{
    private readonly TempFolder _data = new();
    private readonly Recorder _signals = new();
    private readonly CancellationTokenSource _stop = new();
    private MailStore _store = null!;
    private Task _watching = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _store = MailStore.Open(new StoreOptions { Path = _data.Path }, StoreOpenMode.Service);
        await _store.CreateAccountAsync("ann@edgemail.local", ScramSecret.Create("x"));
        await _store.CreateAccountAsync("bob@edgemail.local", ScramSecret.Create("x"));
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _watching);
        await _store.DisposeAsync();
        _data.Dispose();
    }

    private void Watch(params string[] accounts) =>
        _watching = new InboxWatcher(_store, accounts, _signals, NullLogger.Instance).RunAsync(_stop.Token);

    private async Task<uint> DeliverAsync(string account, MessageFlags flags = MessageFlags.None, string mailbox = "INBOX")
    {
        var id = (await _store.GetMailboxAsync((await _store.FindAccountAsync(account))!.Id, mailbox))!.Id;
        var message = Encoding.ASCII.GetBytes("Subject: hi\r\n\r\nhello\r\n");
        return (await _store.AppendAsync(id, new AppendRequest(new MemoryStream(message), flags, [], null))).Uid;
    }

    [Fact]
    public async Task Counts_unseen_mail_reports_arrivals_and_falls_as_mail_is_read()
    {
        await DeliverAsync("ann@edgemail.local");
        Watch();
        await _signals.WaitAsync("ann@edgemail.local=1");
        await _signals.WaitAsync("bob@edgemail.local=0");
        await _signals.WaitAsync("accounts=2");

        var uid = await DeliverAsync("ann@edgemail.local");
        await _signals.WaitAsync("ann@edgemail.local=2");
        Assert.Equal(1, _signals.Count("delivered ann@edgemail.local"));

        // Read from any client: the \Seen flag, as IMAP STORE or a POP3 RETR sets it.
        var inbox = (await _store.GetMailboxAsync((await _store.FindAccountAsync("ann@edgemail.local"))!.Id, "INBOX"))!.Id;
        await _store.StoreFlagsAsync(inbox, [1, uid], FlagOperation.Add, MessageFlags.Seen);
        await _signals.WaitAsync("ann@edgemail.local=0");

        // Mail filed elsewhere, or appended already read, is no arrival; bob was never counted as delivered to.
        await DeliverAsync("ann@edgemail.local", mailbox: "Sent");
        await DeliverAsync("ann@edgemail.local", MessageFlags.Seen);
        await DeliverAsync("bob@edgemail.local");
        await _signals.WaitAsync("bob@edgemail.local=1");
        Assert.Equal(1, _signals.Count("delivered ann@edgemail.local"));
        Assert.Equal(1, _signals.Count("delivered bob@edgemail.local"));
    }

    [Fact]
    public async Task Only_watched_accounts_are_reported_and_a_new_account_is_found_at_its_first_mail()
    {
        Watch("BOB@edgemail.local", "carol@edgemail.local");
        await _signals.WaitAsync("bob@edgemail.local=0");
        await DeliverAsync("ann@edgemail.local");
        await _store.CreateAccountAsync("carol@edgemail.local", ScramSecret.Create("x"));
        await DeliverAsync("carol@edgemail.local");
        await _signals.WaitAsync("carol@edgemail.local=1");
        await _signals.WaitAsync("accounts=3");

        // The later marker (carol's count) proves ann's delivery was seen and left out; carol's first mail counts.
        Assert.Equal(1, _signals.Count("delivered carol@edgemail.local"));
        Assert.Equal(0, _signals.Count("delivered ann@edgemail.local"));
        Assert.Equal(0, _signals.Count("ann@edgemail.local=1"));
    }

    private sealed class Recorder : IInboxSignals
    {
        private readonly ConcurrentQueue<string> _events = new();

        public void Unseen(string account, long count) => _events.Enqueue($"{account}={count}");

        public void Delivered(string account) => _events.Enqueue("delivered " + account);

        public void Accounts(int count) => _events.Enqueue($"accounts={count}");

        public int Count(string line) => _events.Count(e => e == line);

        public Task WaitAsync(string line) => Eventually.TrueAsync(() => _events.Contains(line), line);
    }
}
