namespace EdgeMail.Auth.Throttling;

/// <summary>
/// A dictionary bounded to a number of keys that forgets the least recently touched key first, in O(1).
/// Not thread-safe: <see cref="LoginThrottle"/> calls it under its lock.
/// </summary>
internal sealed class RecencyTable<T>(int capacity)
    where T : class
{
    private readonly Dictionary<string, LinkedListNode<(string Key, T Value)>> _entries = new(StringComparer.Ordinal);

    // Least recently touched first.
    private readonly LinkedList<(string Key, T Value)> _recency = new();

    public int Count => _entries.Count;

    public T? Find(string key) => _entries.TryGetValue(key, out var node) ? node.Value.Value : null;

    /// <summary>Marks the key as the most recently used.</summary>
    public void Touch(string key)
    {
        if (_entries.TryGetValue(key, out var node))
        {
            _recency.Remove(node);
            _recency.AddLast(node);
        }
    }

    /// <summary>The key's value, touched; a new one if absent, evicting the least recently touched past the capacity.</summary>
    public T GetOrAdd(string key, Func<T> create)
    {
        if (_entries.TryGetValue(key, out var node))
        {
            _recency.Remove(node);
            _recency.AddLast(node);
            return node.Value.Value;
        }

        node = _recency.AddLast((key, create()));
        _entries.Add(key, node);
        while (_entries.Count > capacity)
        {
            var oldest = _recency.First!;
            _recency.RemoveFirst();
            _entries.Remove(oldest.Value.Key);
        }

        return node.Value.Value;
    }

    public void Remove(string key)
    {
        if (_entries.Remove(key, out var node))
        {
            _recency.Remove(node);
        }
    }
}
