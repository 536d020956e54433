using EdgeMail.Store.Messages;

namespace EdgeMail.Store.Changes;

/// <summary>What happened to a mailbox, as the change feed tells every session that has it open.</summary>
public enum ChangeKind
{
    Appended,
    FlagsChanged,
    Expunged,
    MailboxDeleted,
    MailboxRenamed,
}

/// <summary>
/// One change, published after its commit and in commit order. For Appended and FlagsChanged,
/// Flags/Keywords are the message's new state; ModSeq is the mailbox's MODSEQ for this change.
/// </summary>
public sealed record MailboxChange(
    ChangeKind Kind,
    long AccountId,
    long MailboxId,
    uint Uid,
    ulong ModSeq,
    MessageFlags Flags = MessageFlags.None,
    IReadOnlyList<string>? Keywords = null,
    string? MailboxName = null);
