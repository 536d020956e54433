// RFC 9051 §6.3.12 APPEND, §6.4.6 STORE, §6.4.3 EXPUNGE; RFC 4315 (UIDPLUS: APPENDUID, COPYUID, UID EXPUNGE);
// RFC 6851 MOVE; RFC 7162 CONDSTORE.
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;

namespace EdgeMail.CrashHarness.Load;

/// <summary>
/// One IMAP session on the IMAP account, working only on the messages it appended itself: APPEND to INBOX, STORE
/// flags, MOVE to Archive, and EXPUNGE (STORE \Deleted, then UID EXPUNGE of that one UID) in INBOX or Archive.
/// </summary>
internal static class ImapLoad
{
    private static readonly string[] Toggles = [@"\Answered", @"\Flagged", @"\Seen", "$Crash"];

    public static async Task RunAsync(LoadContext context, int worker, Random rng)
    {
        var name = "imap" + worker;
        var ledger = context.Ledger;
        var operation = "LOGIN";
        try
        {
            using var client = new ImapClient();
            await client.ConnectAsync("127.0.0.1", context.Server.ImapPort, SecureSocketOptions.None, context.Stopping).ConfigureAwait(false);
            await client.AuthenticateAsync(Accounts.Imap, Accounts.Password, context.Stopping).ConfigureAwait(false);
            var inbox = client.Inbox;
            var archive = await client.GetFolderAsync(Accounts.Archive, context.Stopping).ConfigureAwait(false);
            await inbox.OpenAsync(FolderAccess.ReadWrite, context.Stopping).ConfigureAwait(false);
            while (!context.Killed)
            {
                var owned = ledger.Owned(Accounts.Imap, worker, Accounts.Inbox);
                var archived = ledger.Owned(Accounts.Imap, worker, Accounts.Archive);
                // Past a few dozen messages of its own the session deletes more than it appends, so that the check
                // after each round (which fetches everything) stays about as long in round 200 as in round 2.
                var crowded = owned.Count + archived.Count > 60;
                int[] weights = owned.Count < 3
                    ? [1, 0, 0, 0, 0]
                    : [crowded ? 15 : 40, 20, 18, crowded ? 25 : 12, archived.Count == 0 ? 0 : crowded ? 22 : 8];
                var roll = rng.Next(weights.Sum());
                var pick = 0;
                while (roll >= weights[pick])
                {
                    roll -= weights[pick++];
                }

                Interlocked.Increment(ref context.Operations);
                switch (pick)
                {
                    case 0:
                        operation = "APPEND";
                        await AppendAsync(context, worker, inbox, rng).ConfigureAwait(false);
                        break;
                    case 1:
                        operation = "STORE";
                        await ToggleFlagAsync(context, inbox, owned[rng.Next(owned.Count)], rng).ConfigureAwait(false);
                        break;
                    case 2:
                        operation = "MOVE";
                        await MoveAsync(context, inbox, archive, owned[rng.Next(owned.Count)]).ConfigureAwait(false);
                        break;
                    case 3:
                        operation = "EXPUNGE";
                        await ExpungeAsync(context, inbox, owned[rng.Next(owned.Count)]).ConfigureAwait(false);
                        break;
                    default:
                        operation = "EXPUNGE in Archive";
                        await archive.OpenAsync(FolderAccess.ReadWrite, context.Stopping).ConfigureAwait(false);
                        await ExpungeAsync(context, archive, archived[rng.Next(archived.Count)]).ConfigureAwait(false);
                        await inbox.OpenAsync(FolderAccess.ReadWrite, context.Stopping).ConfigureAwait(false);
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            context.Failed(name, operation, ex);
        }
    }

    private static async Task AppendAsync(LoadContext context, int worker, IMailFolder inbox, Random rng)
    {
        var ledger = context.Ledger;
        var token = context.NewToken("imap", worker);
        var message = CrashMail.Build(token, Accounts.Sender, Accounts.Imap, rng, out var expected);
        var record = ledger.Add(new MessageRecord(token, Origin.Append, Accounts.Imap, worker, expected), new MailState(Accounts.Inbox, 0, ""), "APPEND");
        var uid = await inbox.AppendAsync(new AppendRequest(message), context.Stopping).ConfigureAwait(false);
        if (uid is not { } appended)
        {
            throw new InvalidOperationException("APPEND answered OK without APPENDUID (RFC 4315 §3)");
        }

        ledger.SawUid(Accounts.Imap, Accounts.Inbox, appended.Id, token);
        ledger.Commit(record, new MailState(Accounts.Inbox, appended.Id, ""), delivery: true);
        Interlocked.Increment(ref context.Acknowledged);
    }

    private static async Task ToggleFlagAsync(LoadContext context, IMailFolder folder, MessageRecord record, Random rng)
    {
        var before = record.Current;
        var flag = Toggles[rng.Next(Toggles.Length)];
        var flags = Flags.Parse(before.Flags);
        var add = flags.Add(flag);
        if (!add)
        {
            flags.Remove(flag);
        }

        var after = before with { Flags = Flags.Format(flags) };
        context.Ledger.Begin(record, (add ? "STORE +FLAGS " : "STORE -FLAGS ") + flag, after);
        var action = add ? StoreAction.Add : StoreAction.Remove;
        var request = flag.StartsWith('\\')
            ? new StoreFlagsRequest(action, Flags.ToSystem(flag)) { Silent = true }
            : new StoreFlagsRequest(action, [flag]) { Silent = true };
        await folder.StoreAsync(new UniqueId(before.Uid), request, context.Stopping).ConfigureAwait(false);
        context.Ledger.Commit(record, after);
    }

    private static async Task MoveAsync(LoadContext context, IMailFolder inbox, IMailFolder archive, MessageRecord record)
    {
        var before = record.Current;
        context.Ledger.Begin(record, "UID MOVE to Archive", new MailState(Accounts.Archive, 0, before.Flags));
        var moved = await inbox.MoveToAsync(new UniqueId(before.Uid), archive, context.Stopping).ConfigureAwait(false);
        if (moved is not { } uid)
        {
            throw new InvalidOperationException("MOVE answered OK without COPYUID (RFC 6851 §4.3, RFC 4315 §3)");
        }

        context.Ledger.SawUid(Accounts.Imap, Accounts.Archive, uid.Id, record.Token);
        context.Ledger.Commit(record, new MailState(Accounts.Archive, uid.Id, before.Flags));
    }

    private static async Task ExpungeAsync(LoadContext context, IMailFolder folder, MessageRecord record)
    {
        var before = record.Current;
        var flags = Flags.Parse(before.Flags);
        flags.Add(@"\Deleted");
        var deleted = before with { Flags = Flags.Format(flags) };
        context.Ledger.Begin(record, @"STORE +FLAGS \Deleted", deleted);
        var uid = new UniqueId(before.Uid);
        await folder.StoreAsync(uid, new StoreFlagsRequest(StoreAction.Add, MessageFlags.Deleted) { Silent = true }, context.Stopping).ConfigureAwait(false);
        context.Ledger.Commit(record, deleted);
        context.Ledger.Begin(record, "UID EXPUNGE", MailState.Absent);
        await folder.ExpungeAsync([uid], context.Stopping).ConfigureAwait(false);
        context.Ledger.Commit(record, MailState.Absent);
    }
}
