using System.Collections.Concurrent;

namespace EdgeMail.Store.Bodies;

/// <summary>
/// Bodies being read right now. Their space is not reclaimed while a reader is in them (a session
/// may still stream a message another session just expunged); recovery reclaims it at the next start.
/// </summary>
internal sealed class OpenBodies
{
    private readonly ConcurrentDictionary<long, int> _readers = new();

    public void Enter(long bodyId) => _readers.AddOrUpdate(bodyId, 1, static (_, n) => n + 1);

    public void Leave(long bodyId)
    {
        while (true)
        {
            var n = _readers[bodyId];
            if (n == 1 ? _readers.TryRemove(new KeyValuePair<long, int>(bodyId, 1)) : _readers.TryUpdate(bodyId, n - 1, n))
            {
                return;
            }
        }
    }

    public bool IsOpen(long bodyId) => _readers.ContainsKey(bodyId);
}
