// RFC 1939 §4 AUTHORIZATION state, §7 USER and PASS; RFC 2449 §8.1.2 IN-USE; RFC 3206 §4 SYS/TEMP, §5 AUTH;
// RFC 2595 §2 and RFC 8314 §3: no plaintext passwords without TLS.
using System.Globalization;
using EdgeMail.Auth.Login;
using EdgeMail.Pop3.Protocol;
using EdgeMail.Pop3.Session;

namespace EdgeMail.Pop3.Commands;

internal static class Authorization
{
    public static ValueTask<Pop3Reply> UserAsync(Pop3Session session, Pop3Command command, CancellationToken stopping)
    {
        // Refused before the name is taken, so a client cannot go on to send the password in the clear.
        if (!session.AllowsPlaintext)
        {
            throw new ProtocolException(Pop3Replies.PlaintextDisallowed, clientFault: false);
        }

        session.PendingUser = ((UserCommand)command).Name;
        return ValueTask.FromResult(Pop3Replies.UserAccepted);
    }

    public static async ValueTask<Pop3Reply> PassAsync(Pop3Session session, Pop3Command command, CancellationToken stopping)
    {
        if (!session.AllowsPlaintext)
        {
            throw new ProtocolException(Pop3Replies.PlaintextDisallowed, clientFault: false);
        }

        // RFC 1939 §7: PASS only right after a successful USER; after a failed PASS, USER starts again.
        var user = session.PendingUser ?? throw new ProtocolException(Pop3Replies.UserFirst, clientFault: true);
        session.PendingUser = null;
        var result = await session.Authenticator.LoginAsync(session.Logins, "USER/PASS", user, ((PassCommand)command).Password, CancellationToken.None).ConfigureAwait(false);
        return await CompleteLoginAsync(session, result, "USER/PASS").ConfigureAwait(false);
    }

    /// <summary>
    /// Turns a login result into the reply; on success locks the maildrop (RFC 1939 §4), applies Pop3:ExpireDays,
    /// opens the maildrop and enters TRANSACTION. Failures are logged by the Authenticator, rate-limited; a result
    /// that says Disconnect ends the session after its reply.
    /// </summary>
    public static async ValueTask<Pop3Reply> CompleteLoginAsync(Pop3Session session, LoginResult result, string method)
    {
        session.Closing |= result.Disconnect;
        switch (result.Outcome)
        {
            case LoginOutcome.Locked:
                throw new ProtocolException(Pop3Replies.LoginLocked, clientFault: false);
            case LoginOutcome.Malformed:
                throw new ProtocolException(Pop3Replies.AuthMalformed, clientFault: true);
            case LoginOutcome.Failed:
                throw new ProtocolException(result.Disconnect ? Pop3Replies.AuthFailedClosing : Pop3Replies.AuthFailed, clientFault: false);
        }

        var account = result.Account!;

        // RFC 2449 §8.1.2: the credentials were right, but another session has the maildrop; the client stays
        // in AUTHORIZATION and may try again later.
        var lease = session.Maildrops.Locks.TryAcquire(account.Id);
        if (lease is null)
        {
            Log.InUse(session.Logger, account.Address);
            throw new ProtocolException(Pop3Replies.MaildropInUse, clientFault: false);
        }

        try
        {
            await Removal.ExpireAsync(session, account, CancellationToken.None).ConfigureAwait(false);
            var maildrop = await Maildrop.OpenAsync(session.Store, account.Id, session.Maildrops.Sizes, CancellationToken.None).ConfigureAwait(false);
            session.EnterTransaction(account, maildrop, lease);
            session.WatchRevocation(result);
            Log.LoggedIn(session.Logger, account.Address, method);
            var (count, octets) = maildrop.Totals();
            return Pop3Reply.Success(string.Create(CultureInfo.InvariantCulture, $"maildrop has {count} messages ({octets} octets)"));
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }
}
