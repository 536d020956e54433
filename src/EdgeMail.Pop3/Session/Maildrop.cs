using EdgeMail.Store;
using EdgeMail.Store.Mailboxes;

namespace EdgeMail.Pop3.Session;

/// <summary>
/// The INBOX as one POP3 session sees it: a snapshot taken when the session enters the TRANSACTION state
/// (RFC 1939 §5: message numbers are fixed for the session). Mail delivered later appears in the next session.
/// </summary>
internal sealed class Maildrop
{
    private readonly List<MaildropMessage> _messages;

    private Maildrop(MailboxInfo inbox, List<MaildropMessage> messages)
    {
        Inbox = inbox;
        _messages = messages;
    }

    public MailboxInfo Inbox { get; }

    /// <summary>All messages, deleted ones included, in message-number order (number = index + 1).</summary>
    public IReadOnlyList<MaildropMessage> Messages => _messages;

    public static async Task<Maildrop> OpenAsync(MailStore store, long accountId, WireSizes sizes, CancellationToken cancellationToken)
    {
        var inbox = await store.GetMailboxAsync(accountId, MailboxName.Inbox, cancellationToken).ConfigureAwait(false)
            ?? throw new StoreException(StoreError.NotFound, "the account has no INBOX");
        var messages = new List<MaildropMessage>();
        await foreach (var (record, summary) in store.EnumerateWithSummariesAsync(inbox.Id, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            // Counted at delivery; older messages are measured once by reading them.
            var size = summary.CrlfLength ?? await sizes.GetAsync(store, inbox.UidValidity, record, cancellationToken).ConfigureAwait(false);
            if (size is { } octets)
            {
                messages.Add(new MaildropMessage(record, octets, Protocol.UniqueId.For(inbox.UidValidity, record.Uid)));
            }
        }

        return new Maildrop(inbox, messages);
    }

    /// <summary>
    /// The message with this number that is not marked deleted (RFC 1939 §5: a deleted message may not be
    /// referred to), or null.
    /// </summary>
    public MaildropMessage? Find(int number) =>
        number >= 1 && number <= _messages.Count && !_messages[number - 1].Deleted ? _messages[number - 1] : null;

    /// <summary>STAT (RFC 1939 §5): messages not marked deleted, and their octets.</summary>
    public (int Count, long Octets) Totals()
    {
        var count = 0;
        long octets = 0;
        foreach (var message in _messages)
        {
            if (!message.Deleted)
            {
                count++;
                octets += message.Size;
            }
        }

        return (count, octets);
    }

    /// <summary>RSET (RFC 1939 §5): unmarks every message.</summary>
    public void Reset()
    {
        foreach (var message in _messages)
        {
            message.Deleted = false;
        }
    }
}
