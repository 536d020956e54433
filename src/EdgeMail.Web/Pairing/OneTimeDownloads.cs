using System.Security.Cryptography;

namespace EdgeMail.Web.Pairing;

/// <summary>
/// Files that hold a password (the Apple profile of a pairing answer): kept in memory under a 128-bit random id, served
/// once, and dropped when fetched or when their pairing window closes (at most <see cref="MaxTtl"/>). At most
/// <see cref="MaxFiles"/> at once; the oldest goes first.
/// </summary>
internal sealed class OneTimeDownloads(TimeProvider time)
{
    public const int MaxFiles = 32;
    public static readonly TimeSpan MaxTtl = TimeSpan.FromMinutes(10);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, (byte[] Content, DateTimeOffset Expires)> _files = new(StringComparer.Ordinal);

    /// <summary>Keeps <paramref name="content"/> until fetched or <paramref name="until"/> (capped at <see cref="MaxTtl"/>); its id.</summary>
    public string Put(byte[] content, DateTimeOffset? until)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var now = time.GetUtcNow();
        var expires = until is { } at && at < now + MaxTtl ? at : now + MaxTtl;
        lock (_gate)
        {
            foreach (var (key, file) in _files.ToArray())
            {
                if (file.Expires <= now)
                {
                    _files.Remove(key);
                }
            }
            if (_files.Count >= MaxFiles)
            {
                _files.Remove(_files.MinBy(f => f.Value.Expires).Key);
            }
            _files[id] = (content, expires);
        }
        return id;
    }

    /// <summary>The file, once: it is gone afterwards. Null when unknown, fetched already or expired.</summary>
    public byte[]? Take(string id)
    {
        lock (_gate)
        {
            return _files.Remove(id, out var file) && file.Expires > time.GetUtcNow() ? file.Content : null;
        }
    }
}
