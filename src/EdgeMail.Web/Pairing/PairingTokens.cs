using System.Security.Cryptography;

namespace EdgeMail.Web.Pairing;

/// <summary>
/// The one-time links in a pairing answer's QR code: a phone that opens one gets its own app password for the account
/// that was just paired. A token is 128 random bits, valid until the pairing window that made it closes, redeemable
/// once; the page that showed it follows its state by a separate id (so that id in a page's script is no token). Kept
/// in memory only (a restart ends them with the window), at most <see cref="MaxTokens"/> at once.
/// </summary>
internal sealed class PairingTokens(TimeProvider time)
{
    public const int MaxTokens = 64;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _byToken = new(StringComparer.Ordinal);

    /// <summary>A new token for <paramref name="account"/>, valid until <paramref name="expires"/>; and its state id.</summary>
    public (string Token, string StateId) Issue(string account, DateTimeOffset expires)
    {
        var token = Base64Url(RandomNumberGenerator.GetBytes(16));
        var stateId = Base64Url(RandomNumberGenerator.GetBytes(12));
        lock (_gate)
        {
            Prune();
            if (_byToken.Count >= MaxTokens)
            {
                // The oldest goes: a flood of pairings from one window cannot grow this without bound.
                _byToken.Remove(_byToken.MinBy(e => e.Value.Expires).Key);
            }
            _byToken[token] = new Entry(account, expires, stateId);
        }
        return (token, stateId);
    }

    /// <summary>The account of a usable token (known, unused, not expired); null otherwise.</summary>
    public string? Peek(string token)
    {
        lock (_gate)
        {
            return _byToken.TryGetValue(token, out var e) && !e.Used && e.Expires > time.GetUtcNow() ? e.Account : null;
        }
    }

    /// <summary>Marks a usable token used and gives its account; null if it was not usable (then nothing changed).</summary>
    public string? Redeem(string token)
    {
        lock (_gate)
        {
            if (!_byToken.TryGetValue(token, out var e) || e.Used || e.Expires <= time.GetUtcNow())
            {
                return null;
            }
            e.Used = true;
            return e.Account;
        }
    }

    /// <summary>Undoes <see cref="Redeem"/> when the app password could not be made, so the phone can try again.</summary>
    public void Release(string token)
    {
        lock (_gate)
        {
            if (_byToken.TryGetValue(token, out var e))
            {
                e.Used = false;
            }
        }
    }

    /// <summary><c>waiting</c>, <c>used</c> or <c>expired</c> (also for an unknown id).</summary>
    public string State(string stateId)
    {
        lock (_gate)
        {
            foreach (var e in _byToken.Values)
            {
                if (e.StateId == stateId)
                {
                    return e.Used ? "used" : e.Expires > time.GetUtcNow() ? "waiting" : "expired";
                }
            }
        }
        return "expired";
    }

    private void Prune()
    {
        // A used token's state stays until it expires, so the page that showed it can say so.
        var now = time.GetUtcNow();
        foreach (var (token, e) in _byToken.ToArray())
        {
            if (e.Expires <= now)
            {
                _byToken.Remove(token);
            }
        }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed class Entry(string account, DateTimeOffset expires, string stateId)
    {
        public string Account { get; } = account;

        public DateTimeOffset Expires { get; } = expires;

        public string StateId { get; } = stateId;

        public bool Used { get; set; }
    }
}
