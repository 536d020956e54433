// RFC 2449 §5 CAPA, §6 the capabilities; RFC 2595 §4 STLS; RFC 5034 §3 SASL; RFC 3206 §6 AUTH-RESP-CODE;
// RFC 6856 §2 UTF8.
using System.Globalization;
using EdgeMail.Pop3.Protocol;
using EdgeMail.Pop3.Session;

namespace EdgeMail.Pop3.Commands;

internal static class Capa
{
    public static ValueTask<Pop3Reply> RunAsync(Pop3Session session, Pop3Command command, CancellationToken stopping)
    {
        session.Reply(Pop3Replies.CapabilityFollows);
        foreach (var line in Capabilities(session))
        {
            Pop3ResponseWriter.WriteLine(session.Output, line);
        }

        Pop3ResponseWriter.WriteTerminator(session.Output);
        return ValueTask.FromResult(Pop3Reply.Answered);
    }

    /// <summary>The capability lines for the session's state and transport, each with its RFC.</summary>
    public static IEnumerable<string> Capabilities(Pop3Session session)
    {
        var authorization = session.State == Pop3State.Authorization;
        yield return "TOP"; // RFC 2449 §6.1
        yield return "UIDL"; // RFC 2449 §6.8
        yield return "RESP-CODES"; // RFC 2449 §6.4
        yield return "AUTH-RESP-CODE"; // RFC 3206 §6
        yield return "PIPELINING"; // RFC 2449 §6.6

        // RFC 2449 §6.7: days a retrieved message stays, or NEVER.
        yield return session.Options.ExpireDays is { } days ? "EXPIRE " + days.ToString(CultureInfo.InvariantCulture) : "EXPIRE NEVER";
        yield return "UTF8"; // RFC 6856 §2
        yield return "IMPLEMENTATION EdgeMail"; // RFC 2449 §6.9

        if (authorization)
        {
            // RFC 2449 §6.2 USER, RFC 5034 §3 SASL: only mechanisms the client may use now. Plaintext ones
            // (USER/PASS, PLAIN, LOGIN) need TLS or loopback (RFC 2595 §2, RFC 8314 §3).
            if (session.AllowsPlaintext)
            {
                yield return "USER";
            }

            var mechanisms = session.Authenticator.MechanismNames
                .Where(name => session.AllowsPlaintext || !Sasl.IsPlaintext(name));
            yield return "SASL " + string.Join(' ', mechanisms);

            // RFC 2595 §4: STLS while TLS can still be started.
            if (session.Connection.CanUpgradeToTls)
            {
                yield return "STLS";
            }
        }
    }
}
