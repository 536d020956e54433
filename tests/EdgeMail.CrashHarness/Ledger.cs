namespace EdgeMail.CrashHarness;

/// <summary>
/// What the server acknowledged and what it was asked without answering, over every round. The load workers write
/// it under <see cref="Gate"/>; the check after each restart reads it and settles each message to what it found.
/// </summary>
internal sealed class Ledger
{
    public object Gate { get; } = new();

    public Dictionary<string, MessageRecord> Messages { get; } = [];

    /// <summary>Tokens of messages gone for good (deleted, or never delivered): one that comes back is a violation.</summary>
    public HashSet<string> Gone { get; } = [];

    /// <summary>Relayed messages by token, and whether EdgeMail acknowledged each.</summary>
    public Dictionary<string, RelayRecord> Relayed { get; } = [];

    public Dictionary<string, MailboxHistory> Mailboxes { get; } = [];

    public long AcknowledgedMessages { get; set; }

    private int _nextBatch;

    public MessageRecord Add(MessageRecord record, MailState pending, string operation)
    {
        lock (Gate)
        {
            Messages.Add(record.Token, record);
            record.Alternatives.Add(pending);
            record.LastOperation = operation;
            return record;
        }
    }

    /// <summary>An operation is about to be sent: until it is answered, the message may also be in <paramref name="states"/>.</summary>
    public void Begin(MessageRecord record, string operation, params MailState[] states)
    {
        lock (Gate)
        {
            record.Alternatives.AddRange(states);
            record.LastOperation = operation;
        }
    }

    /// <summary>The server answered OK: the message is in <paramref name="state"/> now, and nowhere else.</summary>
    public void Commit(MessageRecord record, MailState state, bool delivery = false)
    {
        lock (Gate)
        {
            record.Current = state;
            record.Alternatives.Clear();
            record.Pop3Batch = null;
            if (delivery && !record.Acknowledged)
            {
                record.Acknowledged = true;
                AcknowledgedMessages++;
            }
        }
    }

    public int NextPop3Batch() => Interlocked.Increment(ref _nextBatch);

    public MailboxHistory Mailbox(string account, string mailbox)
    {
        lock (Gate)
        {
            var key = account + "/" + mailbox;
            if (!Mailboxes.TryGetValue(key, out var history))
            {
                history = new MailboxHistory();
                Mailboxes.Add(key, history);
            }

            return history;
        }
    }

    /// <summary>A UID the server reported during the load (APPENDUID, COPYUID).</summary>
    public void SawUid(string account, string mailbox, uint uid, string token)
    {
        lock (Gate)
        {
            var history = Mailbox(account, mailbox);
            history.SawUid(uid);
            history.Tokens.TryAdd(uid, token);
        }
    }

    /// <summary>The messages one worker may operate on now: settled, acknowledged, in <paramref name="mailbox"/> of <paramref name="account"/>.</summary>
    public List<MessageRecord> Owned(string account, int owner, string mailbox)
    {
        lock (Gate)
        {
            return Messages.Values
                .Where(m => m.Account == account && m.Owner == owner && m.IsSettled && m.Acknowledged && m.Current.Mailbox == mailbox && m.Current.Uid != 0)
                .ToList();
        }
    }

    public MessageRecord? Find(string token)
    {
        lock (Gate)
        {
            return Messages.GetValueOrDefault(token);
        }
    }
}
