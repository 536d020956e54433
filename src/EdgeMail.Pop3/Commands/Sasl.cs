// RFC 5034 §4 AUTH; RFC 4422 §3 the exchange, §5 additional data with success sent as a challenge;
// RFC 3206 §4 SYS/TEMP and §5 AUTH codes.
using System.Text;
using EdgeMail.Auth.Login;
using EdgeMail.Auth.Sasl;
using EdgeMail.Net;
using EdgeMail.Pop3.Protocol;
using EdgeMail.Pop3.Session;

namespace EdgeMail.Pop3.Commands;

internal static class Sasl
{
    /// <summary>Mechanisms that send the password itself (RFC 4616 PLAIN, the LOGIN draft), which need TLS or loopback.</summary>
    public static bool IsPlaintext(string mechanism) => mechanism is "PLAIN" or "LOGIN";

    public static async ValueTask<Pop3Reply> RunAsync(Pop3Session session, Pop3Command command, CancellationToken stopping)
    {
        var auth = (AuthCommand)command;
        var mechanism = session.Authenticator.CreateMechanism(auth.Mechanism)
            ?? throw new ProtocolException(Pop3Replies.UnknownMechanism, clientFault: true);
        if (mechanism.IsPlaintext && !session.AllowsPlaintext)
        {
            throw new ProtocolException(Pop3Replies.PlaintextDisallowed, clientFault: false);
        }

        var method = "AUTH " + mechanism.Name;
        if (!await session.Authenticator.AdmitAsync(session.Logins, method, CancellationToken.None).ConfigureAwait(false))
        {
            session.Closing = true;
            throw new ProtocolException(Pop3Replies.LoginLocked, clientFault: false);
        }

        // RFC 5034 §4: "=" is an empty initial response; none at all means the server starts.
        ReadOnlyMemory<byte>? response = null;
        if (auth.InitialResponse is { } initial)
        {
            response = Decode(initial) ?? throw await FailMalformedAsync(session, method).ConfigureAwait(false);
        }

        LoginResult? settled = null;
        while (true)
        {
            var step = await mechanism.StepAsync(response, CancellationToken.None).ConfigureAwait(false);
            if (step.Kind == SaslStepKind.Success && step.Data is { Length: > 0 })
            {
                // Settled (the account's delay waited, the success recorded) before SCRAM's server-final message
                // goes out: sent at once, it would tell a right password from a wrong one before the delay.
                settled = await session.Authenticator.CompleteAsync(session.Logins, method, step, CancellationToken.None).ConfigureAwait(false);
            }

            if (step.Kind == SaslStepKind.Challenge || (step.Kind == SaslStepKind.Success && step.Data is { Length: > 0 }))
            {
                // RFC 4422 §5: POP3 has no way to carry data with +OK, so SCRAM's server-final message goes out as
                // a challenge, and the client answers it with an empty response.
                Pop3ResponseWriter.WriteChallenge(session.Output, step.Data);
                await session.Connection.Output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                var line = await session.ReadLineAsync(stopping).ConfigureAwait(false);
                if (line.Status == LineReadStatus.TimedOut && session.LoginDeadlinePassed)
                {
                    return session.EndForLoginDeadline();
                }

                if (line.Status is LineReadStatus.Closed or LineReadStatus.TimedOut)
                {
                    session.Closing = true;
                    return Pop3Reply.Answered;
                }

                if (line.Status == LineReadStatus.TooLong)
                {
                    throw await FailMalformedAsync(session, method).ConfigureAwait(false);
                }

                // RFC 5034 §4: "*" cancels.
                if (line.Line.Span.SequenceEqual("*"u8))
                {
                    throw new ProtocolException(Pop3Replies.AuthCancelled, clientFault: false);
                }

                var decoded = Decode(Encoding.ASCII.GetString(line.Line.Span)) ?? throw await FailMalformedAsync(session, method).ConfigureAwait(false);
                if (step.Kind == SaslStepKind.Success)
                {
                    if (decoded.Length != 0)
                    {
                        throw await FailMalformedAsync(session, method).ConfigureAwait(false);
                    }

                    step = step with { Data = null };
                }
                else
                {
                    response = decoded;
                    continue;
                }
            }

            var result = settled ?? await session.Authenticator.CompleteAsync(session.Logins, method, step, CancellationToken.None).ConfigureAwait(false);
            return await Authorization.CompleteLoginAsync(session, result, method).ConfigureAwait(false);
        }
    }

    private static byte[]? Decode(string base64)
    {
        if (base64 == "=")
        {
            return [];
        }

        var buffer = new byte[(base64.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(base64, buffer, out var written) ? buffer[..written] : null;
    }

    // Recorded for the throttle as malformed (garbage in a loop must not be free), then answered -ERR.
    private static async ValueTask<ProtocolException> FailMalformedAsync(Pop3Session session, string method)
    {
        var result = await session.Authenticator.CompleteAsync(session.Logins, method, SaslStep.Fail(null, malformed: true), CancellationToken.None).ConfigureAwait(false);
        session.Closing |= result.Disconnect;
        return new ProtocolException(Pop3Replies.AuthMalformed, clientFault: true);
    }
}
