using System.Collections.Concurrent;

namespace EdgeMail.Pop3.Session;

/// <summary>
/// The exclusive-access lock on a maildrop (RFC 1939 §4: the server takes it on entering TRANSACTION;
/// RFC 2449 §8.1.2 IN-USE for the others). Per account, in process, shared through <see cref="Pop3Maildrops"/> by every POP3 endpoint on the same store. IMAP does not
/// take it: IMAP sessions keep working beside a POP3 session, and see its deletions through the change feed.
/// </summary>
internal sealed class MaildropLocks
{
    private readonly ConcurrentDictionary<long, byte> _held = new();

    /// <summary>The lock on the account's maildrop, or null when another session holds it. Dispose to release.</summary>
    public IDisposable? TryAcquire(long accountId) =>
        _held.TryAdd(accountId, 0) ? new Lease(this, accountId) : null;

    private sealed class Lease(MaildropLocks owner, long accountId) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner._held.TryRemove(accountId, out _);
            }
        }
    }
}
