using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;

namespace EdgeMail.Imap.Tests.Session;

public sealed class MailKitSessionTests(ImapServer server) : IClassFixture<ImapServer>
{
    private static MimeMessage NewMessage(string subject, string body = "Hello there.\r\n") => TestMessages.Text(subject, body);

    [Fact]
    public async Task Login_lists_the_default_mailboxes_with_their_special_use()
    {
        using var client = await server.ConnectAsync();
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.IMAP4rev1));
        var folders = await client.GetFoldersAsync(client.PersonalNamespaces[0]);
        var names = folders.Select(f => f.FullName).ToList();
        Assert.Contains("INBOX", names);
        Assert.Contains("Sent", names);
        var sent = client.GetFolder(SpecialFolder.Sent);
        Assert.Equal("Sent", sent!.FullName);
        Assert.Equal("Trash", client.GetFolder(SpecialFolder.Trash)!.FullName);
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task Append_then_fetch_returns_the_same_bytes_envelope_and_uid()
    {
        using var client = await server.ConnectAsync();
        var folder = await client.GetFolderAsync("Archive");
        await folder.OpenAsync(FolderAccess.ReadWrite);
        var original = NewMessage("Round trip");
        var uid = await folder.AppendAsync(original, MessageFlags.Flagged);
        Assert.NotNull(uid);

        var summaries = await folder.FetchAsync([uid.Value], MessageSummaryItems.Envelope | MessageSummaryItems.Flags | MessageSummaryItems.BodyStructure | MessageSummaryItems.Size | MessageSummaryItems.InternalDate);
        var summary = Assert.Single(summaries);
        Assert.Equal("Round trip", summary.Envelope!.Subject);
        Assert.Equal("bob@example.org", summary.Envelope.From.Mailboxes.Single().Address);
        Assert.True(summary.Flags!.Value.HasFlag(MessageFlags.Flagged));
        Assert.Equal("text/plain", summary.Body!.ContentType.MimeType);

        using var expected = new MemoryStream();
        var crlf = FormatOptions.Default.Clone();
        crlf.NewLineFormat = NewLineFormat.Dos;
        await original.WriteToAsync(crlf, expected);
        using var fetched = await folder.GetStreamAsync(uid.Value, string.Empty);
        using var actual = new MemoryStream();
        await fetched.CopyToAsync(actual);
        Assert.Equal(expected.ToArray(), actual.ToArray());
        Assert.Equal(expected.Length, (long)summary.Size!.Value);
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task Store_search_copy_move_and_expunge_work_together()
    {
        using var client = await server.ConnectAsync();
        await client.Inbox.OpenAsync(FolderAccess.ReadWrite);
        var root = await client.GetFolderAsync(client.PersonalNamespaces[0].Path);
        var created = (await root.CreateAsync("Work", true))!;
        await client.Inbox.OpenAsync(FolderAccess.ReadWrite);
        var a = (await client.Inbox.AppendAsync(NewMessage("alpha report")))!.Value;
        var b = (await client.Inbox.AppendAsync(NewMessage("beta notes", "the secret word is pumpkin\r\n")))!.Value;

        await client.Inbox.AddFlagsAsync(a, MessageFlags.Seen, silent: false);
        var unseen = await client.Inbox.SearchAsync(SearchQuery.NotSeen);
        Assert.Contains(b, unseen);
        Assert.DoesNotContain(a, unseen);
        Assert.Equal([b], await client.Inbox.SearchAsync(SearchQuery.BodyContains("pumpkin")));
        Assert.Equal([a], await client.Inbox.SearchAsync(SearchQuery.SubjectContains("ALPHA")));

        var copied = await client.Inbox.CopyToAsync(a, created);
        Assert.NotNull(copied);
        var moved = await client.Inbox.MoveToAsync(b, created);
        Assert.NotNull(moved);
        Assert.DoesNotContain(b, await client.Inbox.SearchAsync(SearchQuery.All));

        await client.Inbox.AddFlagsAsync(a, MessageFlags.Deleted, silent: true);
        await client.Inbox.ExpungeAsync();
        Assert.DoesNotContain(a, await client.Inbox.SearchAsync(SearchQuery.All));

        var status = await created.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal(2, created.Count);
        Assert.Equal(FolderAccess.ReadOnly, status);
        await client.DisconnectAsync(true);
    }

    /// <summary>Counts as the folder reports them, and waits for a count to be reached.</summary>
    private sealed class CountWatch
    {
        private readonly List<(int Count, TaskCompletionSource Reached)> _waits = [];

        public CountWatch(IMailFolder folder)
        {
            folder.CountChanged += (_, _) =>
            {
                lock (_waits)
                {
                    Counts.Add(folder.Count);
                    foreach (var (count, reached) in _waits.Where(w => folder.Count >= w.Count))
                    {
                        reached.TrySetResult();
                    }
                }
            };
        }

        public List<int> Counts { get; } = [];

        public Task ReachedAsync(int count)
        {
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_waits)
            {
                _waits.Add((count, reached));
                if (Counts.Count > 0 && Counts[^1] >= count)
                {
                    reached.TrySetResult();
                }
            }

            return reached.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public async Task Idle_reports_a_message_appended_by_another_session()
    {
        using var watcher = await server.ConnectAsync();
        using var writer = await server.ConnectAsync();
        var junk = await watcher.GetFolderAsync("Junk");
        await junk.OpenAsync(FolderAccess.ReadOnly);
        var before = junk.Count;
        var watch = new CountWatch(junk);
        using var done = new CancellationTokenSource();
        var idle = watcher.IdleAsync(done.Token);

        // The marker: the watcher hears of a first message only once its session has started IDLE (before that
        // it reads no response), so the second is appended while the session waits in IDLE.
        var target = await writer.GetFolderAsync("Junk");
        await target.AppendAsync(NewMessage("before idle waits"));
        await watch.ReachedAsync(before + 1);
        await target.AppendAsync(NewMessage("while idle"));
        await watch.ReachedAsync(before + 2);
        done.Cancel();
        await idle;
        Assert.Equal(before + 2, watch.Counts[^1]);
    }

    [Fact]
    public async Task Idle_over_tls_reports_each_append_and_the_session_goes_on_after_done()
    {
        // Over TLS the wait is a zero-byte read through SslStream, and the session gives up its pipes while idle
        // and makes new ones for each report: two appends, then commands after DONE on the same connection.
        using var watcher = new ImapClient { Timeout = 20_000, ServerCertificateValidationCallback = (_, _, _, _) => true };
        await watcher.ConnectAsync("127.0.0.1", server.TlsPort, SecureSocketOptions.SslOnConnect);
        await watcher.AuthenticateAsync(ImapServer.User, ImapServer.Password);
        using var writer = await server.ConnectAsync();
        var box = await watcher.GetFolderAsync("Archive");
        await box.OpenAsync(FolderAccess.ReadWrite);
        var before = box.Count;
        var watch = new CountWatch(box);
        using var done = new CancellationTokenSource();
        var idle = watcher.IdleAsync(done.Token);

        // Each append waits until the one before it was reported, so the second comes while the session idles.
        var target = await writer.GetFolderAsync("Archive");
        await target.AppendAsync(NewMessage("tls idle 1"));
        await watch.ReachedAsync(before + 1);
        await target.AppendAsync(NewMessage("tls idle 2"));
        await watch.ReachedAsync(before + 2);
        done.Cancel();
        await idle;

        Assert.Equal(before + 2, watch.Counts[^1]);
        var summaries = await box.FetchAsync(before, -1, MessageSummaryItems.Envelope);
        Assert.Equal(["tls idle 1", "tls idle 2"], summaries.Select(m => m.Envelope?.Subject));
        await watcher.NoOpAsync();
        await watcher.DisconnectAsync(true);
    }

    [Fact]
    public async Task Implicit_tls_port_serves_scram_login()
    {
        using var client = new ImapClient { Timeout = 20_000, ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync("127.0.0.1", server.TlsPort, SecureSocketOptions.SslOnConnect);
        Assert.True(client.IsSecure);
        client.AuthenticationMechanisms.RemoveWhere(m => m != "SCRAM-SHA-256");
        await client.AuthenticateAsync(ImapServer.User, ImapServer.Password);
        Assert.True(client.IsAuthenticated);
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task Wrong_password_fails_with_authenticationfailed()
    {
        using var client = await server.ConnectAsync(login: false);
        await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync(ImapServer.User, "wrong"));
    }
}
