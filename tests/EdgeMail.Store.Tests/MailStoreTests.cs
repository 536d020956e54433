using System.Text;
using EdgeMail.Store.Changes;
using EdgeMail.Store.Mailboxes;
using EdgeMail.Store.Messages;

namespace EdgeMail.Store.Tests;

public sealed class MailStoreTests
{
    private const string Simple = "From: Alice <alice@example.org>\r\nTo: bob@example.org\r\nSubject: hello\r\n\r\nHi Bob\r\n";

    [Fact]
    public async Task New_account_has_default_mailboxes_with_special_use()
    {
        await using var h = await StoreHarness.CreateAsync();

        var boxes = await h.Store.ListMailboxesAsync(h.AccountId);
        var byName = boxes.ToDictionary(b => b.Name, b => b.SpecialUse);

        Assert.Equal(SpecialUse.None, byName["INBOX"]);
        Assert.Equal(SpecialUse.Drafts, byName["Drafts"]);
        Assert.Equal(SpecialUse.Sent, byName["Sent"]);
        Assert.Equal(SpecialUse.Trash, byName["Trash"]);
        Assert.Equal(SpecialUse.Junk, byName["Junk"]);
        Assert.Equal(SpecialUse.Archive, byName["Archive"]);
        Assert.Equal(6, boxes.Count);
        Assert.All(boxes, b => Assert.True(b.Subscribed));
    }

    [Fact]
    public async Task Creating_the_same_account_twice_is_refused()
    {
        await using var h = await StoreHarness.CreateAsync("dup@example.org");

        var ex = await Assert.ThrowsAsync<StoreException>(() => h.Store.CreateAccountAsync("dup@example.org", StoreHarness.DummyCredential()));
        Assert.Equal(StoreError.AlreadyExists, ex.Error);
    }

    [Fact]
    public async Task Append_then_enumerate_returns_message_with_flags_and_keywords()
    {
        await using var h = await StoreHarness.CreateAsync();

        var result = await h.AppendAsync(h.InboxId, Simple, MessageFlags.Seen | MessageFlags.Flagged, "$Label1", "$Important");
        var messages = await h.ListAsync(h.InboxId);

        var message = Assert.Single(messages);
        Assert.Equal(result.Uid, message.Uid);
        Assert.Equal(MessageFlags.Seen | MessageFlags.Flagged, message.Flags);
        Assert.Equal(["$Important", "$Label1"], message.Keywords);
        Assert.Equal(Encoding.ASCII.GetByteCount(Simple), message.Size);
        Assert.Equal(result.Size, message.Size);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), message.InternalDate);
        Assert.Equal(result.ModSeq, message.ModSeq);

        var fetched = await h.Store.GetMessageAsync(h.InboxId, result.Uid);
        Assert.NotNull(fetched);
        Assert.Equal(message.BodyId, fetched!.BodyId);
        Assert.Null(await h.Store.GetMessageAsync(h.InboxId, result.Uid + 1));
    }

    [Fact]
    public async Task Append_with_invalid_keyword_is_refused()
    {
        await using var h = await StoreHarness.CreateAsync();

        var ex = await Assert.ThrowsAsync<StoreException>(() => h.AppendAsync(h.InboxId, Simple, MessageFlags.None, "bad keyword"));
        Assert.Equal(StoreError.InvalidName, ex.Error);
        Assert.Empty(await h.ListAsync(h.InboxId));
    }

    [Theory]
    [InlineData(10 * 1024)]
    [InlineData(256 * 1024)]
    [InlineData(256 * 1024 + 1)]
    [InlineData(1024 * 1024)]
    public async Task OpenBody_returns_the_appended_bytes_exactly(int size)
    {
        await using var h = await StoreHarness.CreateAsync();
        var body = StoreHarness.Message(size, seed: size);

        var result = await h.AppendAsync(h.InboxId, body);
        var message = (await h.Store.GetMessageAsync(h.InboxId, result.Uid))!;

        Assert.Equal(size, message.Size);
        Assert.Equal(body, await h.ReadBodyAsync(message.BodyId));
    }

    [Fact]
    public async Task Large_body_is_stored_in_its_own_file_and_small_in_a_segment()
    {
        await using var h = await StoreHarness.CreateAsync();

        await h.AppendAsync(h.InboxId, StoreHarness.Message(10 * 1024));
        await h.AppendAsync(h.InboxId, StoreHarness.Message(1024 * 1024, 2));

        var bodies = Path.Combine(h.Path, "bodies");
        Assert.Single(Directory.GetFiles(bodies, "b-*.eml"));
        Assert.NotEmpty(Directory.GetFiles(bodies, "seg-*.dat"));
    }

    [Fact]
    public async Task Appends_get_ascending_uids_and_advance_uidnext_and_highestmodseq()
    {
        await using var h = await StoreHarness.CreateAsync();
        var before = (await h.Store.GetMailboxAsync(h.InboxId))!;

        var results = new List<AppendResult>();
        for (var i = 0; i < 5; i++)
        {
            results.Add(await h.AppendAsync(h.InboxId, Simple));
        }

        var after = (await h.Store.GetMailboxAsync(h.InboxId))!;
        Assert.Equal(before.UidNext, results[0].Uid);
        for (var i = 1; i < results.Count; i++)
        {
            Assert.True(results[i].Uid > results[i - 1].Uid);
            Assert.True(results[i].ModSeq > results[i - 1].ModSeq);
        }

        Assert.Equal(results[^1].Uid + 1, after.UidNext);
        Assert.Equal(results[^1].ModSeq, after.HighestModSeq);
        Assert.True(after.HighestModSeq > before.HighestModSeq);
        Assert.Equal(before.UidValidity, after.UidValidity);
        Assert.All(results, r => Assert.Equal(before.UidValidity, r.UidValidity));
    }

    [Fact]
    public async Task StoreFlags_add_remove_and_replace_update_flags_keywords_and_modseq()
    {
        await using var h = await StoreHarness.CreateAsync();
        var a = await h.AppendAsync(h.InboxId, Simple, MessageFlags.None, "$A");

        var added = await h.Store.StoreFlagsAsync(h.InboxId, [a.Uid], FlagOperation.Add, MessageFlags.Seen | MessageFlags.Answered, ["$B"]);
        var change = Assert.Single(added.Changed);
        Assert.Equal(MessageFlags.Seen | MessageFlags.Answered, change.Flags);
        Assert.Equal(["$A", "$B"], change.Keywords);
        Assert.True(change.ModSeq > a.ModSeq);
        var m1 = (await h.Store.GetMessageAsync(h.InboxId, a.Uid))!;
        Assert.Equal(change.ModSeq, m1.ModSeq);
        Assert.Equal(change.ModSeq, (await h.Store.GetMailboxAsync(h.InboxId))!.HighestModSeq);

        var removed = await h.Store.StoreFlagsAsync(h.InboxId, [a.Uid], FlagOperation.Remove, MessageFlags.Seen, ["$A"]);
        var change2 = Assert.Single(removed.Changed);
        Assert.Equal(MessageFlags.Answered, change2.Flags);
        Assert.Equal(["$B"], change2.Keywords);
        Assert.True(change2.ModSeq > change.ModSeq);

        var replaced = await h.Store.StoreFlagsAsync(h.InboxId, [a.Uid], FlagOperation.Replace, MessageFlags.Draft, ["$C"]);
        var change3 = Assert.Single(replaced.Changed);
        Assert.Equal(MessageFlags.Draft, change3.Flags);
        Assert.Equal(["$C"], change3.Keywords);
        Assert.True(change3.ModSeq > change2.ModSeq);

        var stored = (await h.Store.GetMessageAsync(h.InboxId, a.Uid))!;
        Assert.Equal(MessageFlags.Draft, stored.Flags);
        Assert.Equal(["$C"], stored.Keywords);
        Assert.Equal(change3.ModSeq, stored.ModSeq);
    }

    [Fact]
    public async Task StoreFlags_that_change_nothing_leave_modseq_alone()
    {
        await using var h = await StoreHarness.CreateAsync();
        var a = await h.AppendAsync(h.InboxId, Simple, MessageFlags.Seen);

        var result = await h.Store.StoreFlagsAsync(h.InboxId, [a.Uid], FlagOperation.Add, MessageFlags.Seen);

        Assert.Empty(result.Changed);
        Assert.Equal(a.ModSeq, (await h.Store.GetMessageAsync(h.InboxId, a.Uid))!.ModSeq);
        Assert.Equal(a.ModSeq, (await h.Store.GetMailboxAsync(h.InboxId))!.HighestModSeq);
    }

    [Fact]
    public async Task StoreFlags_with_unchangedsince_reports_messages_modified_later()
    {
        await using var h = await StoreHarness.CreateAsync();
        var a = await h.AppendAsync(h.InboxId, Simple);
        var b = await h.AppendAsync(h.InboxId, Simple);
        var touched = await h.Store.StoreFlagsAsync(h.InboxId, [b.Uid], FlagOperation.Add, MessageFlags.Flagged);
        var since = a.ModSeq;
        Assert.True(touched.Changed[0].ModSeq > since);

        var result = await h.Store.StoreFlagsAsync(h.InboxId, [a.Uid, b.Uid], FlagOperation.Add, MessageFlags.Seen, unchangedSince: b.ModSeq);

        Assert.Equal([b.Uid], result.Modified);
        Assert.Equal([a.Uid], result.Changed.Select(c => c.Uid));
        Assert.Equal(MessageFlags.Flagged, (await h.Store.GetMessageAsync(h.InboxId, b.Uid))!.Flags);
        Assert.Equal(MessageFlags.Seen, (await h.Store.GetMessageAsync(h.InboxId, a.Uid))!.Flags);
    }

    [Fact]
    public async Task Expunge_removes_only_deleted_messages_and_returns_their_uids()
    {
        await using var h = await StoreHarness.CreateAsync();
        var uids = new List<uint>();
        for (var i = 0; i < 4; i++)
        {
            uids.Add((await h.AppendAsync(h.InboxId, Simple, i % 2 == 1 ? MessageFlags.Deleted : MessageFlags.None)).Uid);
        }

        var before = (await h.Store.GetMailboxAsync(h.InboxId))!.HighestModSeq;
        var expunged = await h.Store.ExpungeAsync(h.InboxId);

        Assert.Equal([uids[1], uids[3]], expunged);
        Assert.Equal([uids[0], uids[2]], (await h.ListAsync(h.InboxId)).Select(m => m.Uid));
        Assert.True((await h.Store.GetMailboxAsync(h.InboxId))!.HighestModSeq > before);
        Assert.Empty(await h.Store.ExpungeAsync(h.InboxId));
    }

    [Fact]
    public async Task Uid_expunge_removes_only_listed_deleted_messages()
    {
        await using var h = await StoreHarness.CreateAsync();
        var a = await h.AppendAsync(h.InboxId, Simple, MessageFlags.Deleted);
        var b = await h.AppendAsync(h.InboxId, Simple, MessageFlags.Deleted);
        var c = await h.AppendAsync(h.InboxId, Simple);

        var expunged = await h.Store.ExpungeAsync(h.InboxId, [b.Uid, c.Uid]);

        Assert.Equal([b.Uid], expunged);
        Assert.Equal([a.Uid, c.Uid], (await h.ListAsync(h.InboxId)).Select(m => m.Uid));
    }

    [Fact]
    public async Task Copy_shares_the_body_and_keeps_the_source()
    {
        await using var h = await StoreHarness.CreateAsync();
        var archive = (await h.Store.GetMailboxAsync(h.AccountId, "Archive"))!;
        var body = StoreHarness.Message(4000);
        var a = await h.AppendAsync(h.InboxId, body, MessageFlags.Seen, "$K");

        var copy = await h.Store.CopyAsync(h.InboxId, [a.Uid], archive.Id);

        Assert.Equal([a.Uid], copy.SourceUids);
        Assert.Equal(archive.UidValidity, copy.DestinationUidValidity);
        var target = (await h.Store.GetMessageAsync(archive.Id, copy.DestinationUids[0]))!;
        var source = (await h.Store.GetMessageAsync(h.InboxId, a.Uid))!;
        Assert.Equal(source.BodyId, target.BodyId);
        Assert.Equal(MessageFlags.Seen, target.Flags);
        Assert.Equal(["$K"], target.Keywords);
        Assert.Equal(body, await h.ReadBodyAsync(target.BodyId));

        // Expunging the source must not take the shared body with it.
        await h.Store.StoreFlagsAsync(h.InboxId, [a.Uid], FlagOperation.Add, MessageFlags.Deleted);
        await h.Store.ExpungeAsync(h.InboxId);
        Assert.Equal(body, await h.ReadBodyAsync(target.BodyId));
    }

    [Fact]
    public async Task Move_puts_message_in_target_and_removes_it_from_source()
    {
        await using var h = await StoreHarness.CreateAsync();
        var trash = (await h.Store.GetMailboxAsync(h.AccountId, "Trash"))!;
        var body = StoreHarness.Message(3000);
        var a = await h.AppendAsync(h.InboxId, body);
        var b = await h.AppendAsync(h.InboxId, Simple);

        var moved = await h.Store.MoveAsync(h.InboxId, [a.Uid], trash.Id);

        Assert.Equal([a.Uid], moved.SourceUids);
        Assert.Equal([b.Uid], (await h.ListAsync(h.InboxId)).Select(m => m.Uid));
        var inTrash = Assert.Single(await h.ListAsync(trash.Id));
        Assert.Equal(moved.DestinationUids[0], inTrash.Uid);
        Assert.Equal(body, await h.ReadBodyAsync(inTrash.BodyId));
    }

    [Fact]
    public async Task Rename_moves_the_mailbox_and_its_children_keeping_uidvalidity()
    {
        await using var h = await StoreHarness.CreateAsync();
        var work = await h.Store.CreateMailboxAsync(h.AccountId, "Work");
        var child = await h.Store.CreateMailboxAsync(h.AccountId, "Work/Projects");
        var a = await h.AppendAsync(child.Id, Simple);

        await h.Store.RenameMailboxAsync(h.AccountId, "Work", "Jobs/Old");

        Assert.Null(await h.Store.GetMailboxAsync(h.AccountId, "Work"));
        Assert.Null(await h.Store.GetMailboxAsync(h.AccountId, "Work/Projects"));
        var renamed = (await h.Store.GetMailboxAsync(h.AccountId, "Jobs/Old"))!;
        var renamedChild = (await h.Store.GetMailboxAsync(h.AccountId, "Jobs/Old/Projects"))!;
        Assert.NotNull(await h.Store.GetMailboxAsync(h.AccountId, "Jobs"));
        Assert.Equal(work.Id, renamed.Id);
        Assert.Equal(work.UidValidity, renamed.UidValidity);
        Assert.Equal(child.Id, renamedChild.Id);
        Assert.Equal([a.Uid], (await h.ListAsync(renamedChild.Id)).Select(m => m.Uid));
    }

    [Fact]
    public async Task Rename_into_itself_or_onto_an_existing_name_is_refused()
    {
        await using var h = await StoreHarness.CreateAsync();
        await h.Store.CreateMailboxAsync(h.AccountId, "Work");

        var self = await Assert.ThrowsAsync<StoreException>(() => h.Store.RenameMailboxAsync(h.AccountId, "Work", "Work/Sub"));
        Assert.Equal(StoreError.NotAllowed, self.Error);
        var exists = await Assert.ThrowsAsync<StoreException>(() => h.Store.RenameMailboxAsync(h.AccountId, "Work", "Trash"));
        Assert.Equal(StoreError.AlreadyExists, exists.Error);
    }

    [Fact]
    public async Task Rename_inbox_moves_its_messages_and_leaves_inbox_empty()
    {
        await using var h = await StoreHarness.CreateAsync();
        var body = StoreHarness.Message(2000);
        var a = await h.AppendAsync(h.InboxId, body);
        var b = await h.AppendAsync(h.InboxId, Simple);

        var created = await h.Store.RenameMailboxAsync(h.AccountId, "INBOX", "Old Inbox");

        var inbox = (await h.Store.GetMailboxAsync(h.AccountId, "INBOX"))!;
        Assert.Equal(h.InboxId, inbox.Id);
        Assert.Empty(await h.ListAsync(inbox.Id));
        var old = (await h.Store.GetMailboxAsync(h.AccountId, "Old Inbox"))!;
        Assert.Equal(created.Id, old.Id);
        var messages = await h.ListAsync(old.Id);
        Assert.Equal([a.Uid, b.Uid], messages.Select(m => m.Uid));
        Assert.Equal(body, await h.ReadBodyAsync(messages[0].BodyId));
        Assert.True(old.UidNext > b.Uid);

        // INBOX keeps counting up: a new message must not reuse a UID.
        var c = await h.AppendAsync(inbox.Id, Simple);
        Assert.True(c.Uid > b.Uid);
    }

    [Fact]
    public async Task Delete_of_a_mailbox_with_children_is_refused()
    {
        await using var h = await StoreHarness.CreateAsync();
        await h.Store.CreateMailboxAsync(h.AccountId, "Work/Projects");

        var ex = await Assert.ThrowsAsync<StoreException>(() => h.Store.DeleteMailboxAsync(h.AccountId, "Work"));
        Assert.Equal(StoreError.NotAllowed, ex.Error);
        Assert.NotNull(await h.Store.GetMailboxAsync(h.AccountId, "Work"));

        await h.Store.DeleteMailboxAsync(h.AccountId, "Work/Projects");
        await h.Store.DeleteMailboxAsync(h.AccountId, "Work");
        Assert.Null(await h.Store.GetMailboxAsync(h.AccountId, "Work"));
    }

    [Theory]
    [InlineData("INBOX")]
    [InlineData("inbox")]
    public async Task Delete_of_inbox_is_refused(string name)
    {
        await using var h = await StoreHarness.CreateAsync();

        var ex = await Assert.ThrowsAsync<StoreException>(() => h.Store.DeleteMailboxAsync(h.AccountId, name));
        Assert.Equal(StoreError.NotAllowed, ex.Error);
        Assert.NotNull(await h.Store.GetMailboxAsync(h.AccountId, "INBOX"));
    }

    [Fact]
    public async Task Create_mailbox_with_an_invalid_or_existing_name_is_refused()
    {
        await using var h = await StoreHarness.CreateAsync();

        var invalid = await Assert.ThrowsAsync<StoreException>(() => h.Store.CreateMailboxAsync(h.AccountId, "a/../b"));
        Assert.Equal(StoreError.InvalidName, invalid.Error);
        var exists = await Assert.ThrowsAsync<StoreException>(() => h.Store.CreateMailboxAsync(h.AccountId, "Sent"));
        Assert.Equal(StoreError.AlreadyExists, exists.Error);
    }

    [Fact]
    public async Task SetSubscribed_changes_the_subscription()
    {
        await using var h = await StoreHarness.CreateAsync();

        await h.Store.SetSubscribedAsync(h.AccountId, "Junk", false);
        Assert.False((await h.Store.GetMailboxAsync(h.AccountId, "Junk"))!.Subscribed);
        await h.Store.SetSubscribedAsync(h.AccountId, "Junk", true);
        Assert.True((await h.Store.GetMailboxAsync(h.AccountId, "Junk"))!.Subscribed);
        await Assert.ThrowsAsync<StoreException>(() => h.Store.SetSubscribedAsync(h.AccountId, "Nope", true));
    }

    [Fact]
    public async Task Status_counts_messages_unseen_deleted_and_size()
    {
        await using var h = await StoreHarness.CreateAsync();
        var small = StoreHarness.Message(1000, 1);
        var medium = StoreHarness.Message(2000, 2);
        var large = StoreHarness.Message(3000, 3);
        await h.AppendAsync(h.InboxId, small, MessageFlags.Seen);
        await h.AppendAsync(h.InboxId, medium, MessageFlags.Deleted);
        await h.AppendAsync(h.InboxId, large, MessageFlags.Seen | MessageFlags.Deleted);

        var status = await h.Store.GetStatusAsync(h.InboxId);

        Assert.Equal(3, status.Messages);
        Assert.Equal(1, status.Unseen);
        Assert.Equal(2, status.Deleted);
        Assert.Equal(6000, status.Size);
        Assert.Equal(h.InboxId, status.Mailbox.Id);
    }

    [Fact]
    public async Task Change_feed_delivers_appended_flags_changed_and_expunged_in_order()
    {
        await using var h = await StoreHarness.CreateAsync();
        using var sub = h.Store.Changes.Subscribe(h.InboxId);
        var other = (await h.Store.GetMailboxAsync(h.AccountId, "Drafts"))!;

        var a = await h.AppendAsync(h.InboxId, Simple);
        await h.AppendAsync(other.Id, Simple); // another mailbox: must not reach this subscriber
        var flags = await h.Store.StoreFlagsAsync(h.InboxId, [a.Uid], FlagOperation.Add, MessageFlags.Deleted);
        await h.Store.ExpungeAsync(h.InboxId);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var appended = await sub.Reader.ReadAsync(timeout.Token);
        var changed = await sub.Reader.ReadAsync(timeout.Token);
        var expunged = await sub.Reader.ReadAsync(timeout.Token);

        Assert.Equal((ChangeKind.Appended, a.Uid, a.ModSeq), (appended.Kind, appended.Uid, appended.ModSeq));
        Assert.Equal((ChangeKind.FlagsChanged, a.Uid, flags.Changed[0].ModSeq), (changed.Kind, changed.Uid, changed.ModSeq));
        Assert.Equal(MessageFlags.Deleted, changed.Flags);
        Assert.Equal(ChangeKind.Expunged, expunged.Kind);
        Assert.Equal(a.Uid, expunged.Uid);
        Assert.True(expunged.ModSeq > changed.ModSeq);
        Assert.All(new[] { appended, changed, expunged }, c => Assert.Equal(h.InboxId, c.MailboxId));
        Assert.False(sub.Reader.TryRead(out _));
    }

    [Fact]
    public async Task Reopening_the_store_keeps_accounts_mailboxes_messages_and_bodies()
    {
        await using var h = await StoreHarness.CreateAsync();
        var small = StoreHarness.Message(10 * 1024, 1);
        var large = StoreHarness.Message(1024 * 1024, 2);
        await h.Store.CreateMailboxAsync(h.AccountId, "Work/Projects");
        var a = await h.AppendAsync(h.InboxId, small, MessageFlags.Seen, "$K");
        var b = await h.AppendAsync(h.InboxId, large);
        var before = (await h.Store.GetMailboxAsync(h.InboxId))!;

        await h.ReopenAsync();

        Assert.NotNull(await h.Store.FindAccountAsync("alice@example.org"));
        Assert.NotNull(await h.Store.GetMailboxAsync(h.AccountId, "Work/Projects"));
        var after = (await h.Store.GetMailboxAsync(h.InboxId))!;
        Assert.Equal(before, after);
        var messages = await h.ListAsync(h.InboxId);
        Assert.Equal([a.Uid, b.Uid], messages.Select(m => m.Uid));
        Assert.Equal(MessageFlags.Seen, messages[0].Flags);
        Assert.Equal(["$K"], messages[0].Keywords);
        Assert.Equal(small, await h.ReadBodyAsync(messages[0].BodyId));
        Assert.Equal(large, await h.ReadBodyAsync(messages[1].BodyId));
        Assert.Equal(0, h.Store.Recovery!.BytesTruncated);
        Assert.Equal(0, h.Store.Recovery.OrphanFilesRemoved);

        var c = await h.AppendAsync(h.InboxId, Simple);
        Assert.Equal(before.UidNext, c.Uid);
    }

    [Fact]
    public async Task Second_service_open_of_the_same_folder_fails_while_the_first_is_open()
    {
        await using var h = await StoreHarness.CreateAsync();

        var ex = Assert.Throws<StoreException>(() => MailStore.Open(new StoreOptions { Path = h.Path }, StoreOpenMode.Service));
        Assert.Equal(StoreError.NotAllowed, ex.Error);

        // The first store is unaffected.
        await h.AppendAsync(h.InboxId, Simple);
    }

    [Fact]
    public async Task Service_open_succeeds_after_the_first_store_is_disposed()
    {
        await using var h = await StoreHarness.CreateAsync();
        await h.CloseAsync();

        await using var again = MailStore.Open(new StoreOptions { Path = h.Path }, StoreOpenMode.Service);
        Assert.NotNull(await again.FindAccountAsync("alice@example.org"));
    }

    [Fact]
    public async Task Admin_open_beside_a_running_service_reads_and_manages_but_cannot_append()
    {
        await using var h = await StoreHarness.CreateAsync();
        var body = StoreHarness.Message(5000);
        var a = await h.AppendAsync(h.InboxId, body);

        await using var admin = MailStore.Open(new StoreOptions { Path = h.Path }, StoreOpenMode.Admin);

        Assert.Equal(StoreOpenMode.Admin, admin.Mode);
        Assert.Null(admin.Recovery);
        Assert.NotNull(await admin.FindAccountAsync("alice@example.org"));
        var bob = await admin.CreateAccountAsync("bob@example.org", StoreHarness.DummyCredential());
        Assert.NotNull(await h.Store.FindAccountAsync("bob@example.org"));
        Assert.Equal(6, (await h.Store.ListMailboxesAsync(bob.Id)).Count);
        var ex = await Assert.ThrowsAsync<StoreException>(() => admin.AppendAsync(h.InboxId, new AppendRequest(new MemoryStream(body))));
        Assert.Equal(StoreError.NotAllowed, ex.Error);
        Assert.Equal(a.Uid, Assert.Single(await h.ListAsync(h.InboxId)).Uid);
    }

    [Fact]
    public async Task Summary_of_a_multipart_message_has_both_parts_and_the_envelope()
    {
        await using var h = await StoreHarness.CreateAsync();
        const string message =
            "From: Alice Example <alice@example.org>\r\n" +
            "To: bob@example.org\r\n" +
            "Subject: Quarterly report\r\n" +
            "Message-ID: <report-1@example.org>\r\n" +
            "MIME-Version: 1.0\r\n" +
            "Content-Type: multipart/mixed; boundary=\"XYZ\"\r\n" +
            "\r\n" +
            "preamble\r\n" +
            "--XYZ\r\n" +
            "Content-Type: text/plain; charset=utf-8\r\n" +
            "\r\n" +
            "See attached.\r\n" +
            "--XYZ\r\n" +
            "Content-Type: application/pdf; name=\"r.pdf\"\r\n" +
            "Content-Transfer-Encoding: base64\r\n" +
            "Content-Disposition: attachment; filename=\"r.pdf\"\r\n" +
            "\r\n" +
            "JVBERi0xLjQK\r\n" +
            "--XYZ--\r\n";
        var bytes = Encoding.ASCII.GetBytes(message);
        var a = await h.AppendAsync(h.InboxId, bytes);
        var record = (await h.Store.GetMessageAsync(h.InboxId, a.Uid))!;

        var summary = await h.Store.GetSummaryAsync(record.BodyId);

        Assert.Equal("Quarterly report", summary.Envelope.Subject);
        var from = Assert.Single(summary.Envelope.From!);
        Assert.Equal("Alice Example", from.Name);
        Assert.Equal("alice", from.Mailbox);
        Assert.Equal("example.org", from.Host);
        Assert.Equal("<report-1@example.org>", summary.Envelope.MessageId);
        Assert.Equal("multipart", summary.Body.MediaType, ignoreCase: true);
        Assert.Equal("mixed", summary.Body.MediaSubtype, ignoreCase: true);
        Assert.NotNull(summary.Body.Parts);
        Assert.Equal(2, summary.Body.Parts!.Count);
        var text = summary.Body.Parts[0];
        var pdf = summary.Body.Parts[1];
        Assert.Equal(("text", "plain"), (text.MediaType.ToLowerInvariant(), text.MediaSubtype.ToLowerInvariant()));
        Assert.Equal(("application", "pdf"), (pdf.MediaType.ToLowerInvariant(), pdf.MediaSubtype.ToLowerInvariant()));
        Assert.Equal("attachment", pdf.Disposition, ignoreCase: true);
        Assert.Equal("base64", pdf.ContentTransferEncoding, ignoreCase: true);

        // Offsets point into the stored bytes.
        var textContent = Encoding.ASCII.GetString(bytes, (int)text.BodyOffset, (int)text.ContentLength);
        Assert.StartsWith("See attached.", textContent);
        var pdfContent = Encoding.ASCII.GetString(bytes, (int)pdf.BodyOffset, (int)pdf.ContentLength);
        Assert.StartsWith("JVBERi0xLjQK", pdfContent);
    }
}
