using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace EdgeMail.Web.Admin;

/// <summary>
/// The admin's logins to the page: a 256-bit random token in the <c>edgemail-admin</c> cookie (HttpOnly,
/// SameSite=Strict, Secure over TLS, path /admin), ending after Web:AdminIdleTimeout without use, on logout, or when the
/// service restarts (kept in memory only). At most <see cref="MaxSessions"/>; the least recently used goes first.
/// </summary>
internal sealed class AdminSessions(WebOptions options, TimeProvider time)
{
    public const string CookieName = "edgemail-admin";
    public const int MaxSessions = 32;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Session> _sessions = new(StringComparer.Ordinal);

    /// <summary>Starts a session for the account and sets its cookie.</summary>
    public void Start(HttpContext context, long accountId, string address)
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        lock (_gate)
        {
            Prune();
            if (_sessions.Count >= MaxSessions)
            {
                _sessions.Remove(_sessions.MinBy(s => s.Value.LastSeen).Key);
            }
            _sessions[token] = new Session(accountId, address, time.GetUtcNow());
        }

        context.Response.Cookies.Append(CookieName, token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/admin",
        });
    }

    /// <summary>The logged-in admin of this request (and the session's last use moves on), or null.</summary>
    public Session? Current(HttpContext context)
    {
        if (!context.Request.Cookies.TryGetValue(CookieName, out var token) || token is not { Length: 64 })
        {
            return null;
        }

        lock (_gate)
        {
            if (!_sessions.TryGetValue(token, out var session))
            {
                return null;
            }

            var now = time.GetUtcNow();
            if (now - session.LastSeen > options.AdminIdleTimeout)
            {
                _sessions.Remove(token);
                return null;
            }

            session.LastSeen = now;
            return session;
        }
    }

    public void End(HttpContext context)
    {
        if (context.Request.Cookies.TryGetValue(CookieName, out var token))
        {
            lock (_gate)
            {
                _sessions.Remove(token);
            }
        }
        context.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/admin" });
    }

    /// <summary>Ends every session of an account (it was removed, or its password reset).</summary>
    public void EndAll(long accountId)
    {
        lock (_gate)
        {
            foreach (var (token, session) in _sessions.ToArray())
            {
                if (session.AccountId == accountId)
                {
                    _sessions.Remove(token);
                }
            }
        }
    }

    private void Prune()
    {
        var now = time.GetUtcNow();
        foreach (var (token, session) in _sessions.ToArray())
        {
            if (now - session.LastSeen > options.AdminIdleTimeout)
            {
                _sessions.Remove(token);
            }
        }
    }

    internal sealed class Session(long accountId, string address, DateTimeOffset lastSeen)
    {
        public long AccountId { get; } = accountId;

        public string Address { get; } = address;

        public DateTimeOffset LastSeen { get; set; } = lastSeen;
    }
}
