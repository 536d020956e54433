using EdgeMail.Imap.Commands;
using EdgeMail.Imap.Protocol;

namespace EdgeMail.Imap.Session;

internal delegate Task<CommandResult> CommandHandler(ImapSession session, ImapCommand command, CancellationToken cancellationToken);

/// <summary>One command: the states it is allowed in (RFC 9051 §6), its handler, and whether EXPUNGE must wait (§7.5.1).</summary>
internal sealed record CommandSpec(string Name, ImapState States, CommandHandler Handler, bool DefersExpunge = false);

/// <summary>Every command, the one place that maps a verb to its handler.</summary>
internal static class CommandTable
{
    private static readonly Dictionary<string, CommandSpec> Commands = new CommandSpec[]
    {
        // RFC 9051 §6.1: any state.
        new("CAPABILITY", ImapState.Any, AnyState.CapabilityAsync),
        new("NOOP", ImapState.Any, AnyState.NoopAsync),
        new("LOGOUT", ImapState.Any, AnyState.LogoutAsync),
        new("ID", ImapState.Any, AnyState.IdAsync),

        // §6.2: not authenticated.
        new("STARTTLS", ImapState.NotAuthenticated, StartTls.StartTlsAsync),
        new("LOGIN", ImapState.NotAuthenticated, Login.LoginAsync),
        new("AUTHENTICATE", ImapState.NotAuthenticated, Login.AuthenticateAsync),

        // §6.3: authenticated.
        new("ENABLE", ImapState.Auth, Enable.EnableAsync),
        new("SELECT", ImapState.Auth, Select.SelectAsync),
        new("EXAMINE", ImapState.Auth, Select.ExamineAsync),
        new("CREATE", ImapState.Auth, Mailboxes.CreateAsync),
        new("DELETE", ImapState.Auth, Mailboxes.DeleteAsync),
        new("RENAME", ImapState.Auth, Mailboxes.RenameAsync),
        new("SUBSCRIBE", ImapState.Auth, Mailboxes.SubscribeAsync),
        new("UNSUBSCRIBE", ImapState.Auth, Mailboxes.UnsubscribeAsync),
        new("LIST", ImapState.Auth, List.ListAsync),
        new("LSUB", ImapState.Auth, List.LsubAsync),
        new("NAMESPACE", ImapState.Auth, List.NamespaceAsync),
        new("STATUS", ImapState.Auth, Status.StatusAsync),
        new("APPEND", ImapState.Auth, Append.AppendAsync),
        new("IDLE", ImapState.Auth, Idle.IdleAsync),

        // §6.4: selected.
        new("CHECK", ImapState.Selected, AnyState.NoopAsync),
        new("CLOSE", ImapState.Selected, Select.CloseAsync),
        new("UNSELECT", ImapState.Selected, Select.UnselectAsync),
        new("EXPUNGE", ImapState.Selected, Expunge.ExpungeAsync),
        new("UID EXPUNGE", ImapState.Selected, Expunge.UidExpungeAsync),
        new("SEARCH", ImapState.Selected, Search.SearchAsync, DefersExpunge: true),
        new("UID SEARCH", ImapState.Selected, Search.UidSearchAsync),
        new("FETCH", ImapState.Selected, Fetch.FetchAsync, DefersExpunge: true),
        new("UID FETCH", ImapState.Selected, Fetch.UidFetchAsync),
        new("STORE", ImapState.Selected, StoreFlags.StoreAsync, DefersExpunge: true),
        new("UID STORE", ImapState.Selected, StoreFlags.UidStoreAsync),
        new("COPY", ImapState.Selected, CopyMove.CopyAsync),
        new("UID COPY", ImapState.Selected, CopyMove.UidCopyAsync),
        new("MOVE", ImapState.Selected, CopyMove.MoveAsync),
        new("UID MOVE", ImapState.Selected, CopyMove.UidMoveAsync),
    }.ToDictionary(c => c.Name, StringComparer.Ordinal);

    public static CommandSpec? Find(string name) => Commands.GetValueOrDefault(name);
}
