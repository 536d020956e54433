// RFC 4954 §4 (AUTH, 334 challenges, "*" cancels, "=" is an empty initial response), §6 (status codes);
// RFC 4422 §3 (SASL); the mechanisms and the throttle are EdgeMail.Auth's, shared with IMAP and POP3.
using System.Buffers.Text;
using System.Text;
using EdgeMail.Auth.Login;
using EdgeMail.Auth.Sasl;
using EdgeMail.Net;
using EdgeMail.Smtp.Protocol;
using EdgeMail.Smtp.Session;

namespace EdgeMail.Smtp.Commands;

internal static class Sasl
{
    public static async Task<SmtpReply> AuthAsync(SmtpSession session, ReadOnlyMemory<byte> arguments, CancellationToken cancellationToken)
    {
        if (session.AccountId is not null)
        {
            throw new ProtocolException(SmtpReplies.AlreadyAuthenticated);
        }

        if (!session.Connection.IsSecure && !session.Connection.IsLoopback)
        {
            throw new ProtocolException(SmtpReplies.EncryptionRequired);
        }

        var parts = SmtpSession.ArgumentText(arguments).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is < 1 or > 2)
        {
            throw new ProtocolException(SmtpReplies.SyntaxError.With("Syntax: AUTH mechanism [initial-response]"));
        }

        var mechanism = session.Authenticator.CreateMechanism(parts[0]) ?? throw new ProtocolException(SmtpReplies.UnknownMechanism);
        var method = "AUTH " + mechanism.Name;
        if (!await session.Authenticator.AdmitAsync(session.Logins, method, cancellationToken).ConfigureAwait(false))
        {
            return await CloseAsync(session, SmtpReplies.AuthLocked).ConfigureAwait(false);
        }

        ReadOnlyMemory<byte>? response = null;
        if (parts.Length == 2)
        {
            response = parts[1] == "=" ? ReadOnlyMemory<byte>.Empty : Decode(parts[1]);
            if (response is null)
            {
                return await MalformedAsync(session, method, SaslStep.Fail(null, malformed: true), SmtpReplies.AuthMalformed, cancellationToken).ConfigureAwait(false);
            }
        }

        var step = await mechanism.StepAsync(response, cancellationToken).ConfigureAwait(false);
        while (step.Kind == SaslStepKind.Challenge)
        {
            var answer = await ReadAuthLineAsync(session, step.Data, cancellationToken).ConfigureAwait(false);
            if (answer is null)
            {
                return SmtpReply.None;
            }

            if (answer == "*")
            {
                throw new ProtocolException(SmtpReplies.AuthCancelled);
            }

            var decoded = Decode(answer);
            if (decoded is null)
            {
                return await MalformedAsync(session, method, SaslStep.Fail(null, malformed: true), SmtpReplies.AuthMalformed, cancellationToken).ConfigureAwait(false);
            }

            step = await mechanism.StepAsync(decoded, cancellationToken).ConfigureAwait(false);
        }

        LoginResult? settled = null;
        if (step.Kind == SaslStepKind.Success && step.Data is { Length: > 0 })
        {
            // Settled (the account's delay waited, the success recorded) before SCRAM's server-final message goes
            // out: sent at once, it would tell a right password from a wrong one before the delay.
            settled = await session.Authenticator.CompleteAsync(session.Logins, method, step, cancellationToken).ConfigureAwait(false);

            // RFC 4954 §4: additional data with success goes in a 334, answered by an empty line, then 235.
            var answer = await ReadAuthLineAsync(session, step.Data, cancellationToken).ConfigureAwait(false);
            if (answer is null)
            {
                return SmtpReply.None;
            }

            if (answer.Length != 0)
            {
                return await MalformedAsync(session, method, SaslStep.Fail(step.UserName, malformed: true), answer == "*" ? SmtpReplies.AuthCancelled : SmtpReplies.AuthMalformed, cancellationToken).ConfigureAwait(false);
            }
        }

        var result = settled ?? await session.Authenticator.CompleteAsync(session.Logins, method, step, cancellationToken).ConfigureAwait(false);
        switch (result.Outcome)
        {
            case LoginOutcome.Success:
                session.AccountId = result.Account!.Id;
                session.WatchRevocation(result);
                session.AccountAddress = result.Account.Address;
                if (session.RequireAuth)
                {
                    // Submission's AUTH phase is over: RFC 5321 §4.5.3.2's per-command timeouts apply from now on.
                    // On intake the deadline is the whole session's, and AUTH does not change it.
                    session.Connection.Lines.ClearDeadline();
                }

                Log.Authenticated(session.Logger, session.Connection.Id, result.Account.Address);
                return SmtpReplies.AuthSucceeded;
            case LoginOutcome.Malformed:
                return await MalformedAsync(session, result, SmtpReplies.AuthMalformed).ConfigureAwait(false);
            default:
                return result.Disconnect ? await CloseAsync(session, SmtpReplies.AuthFailedClosing).ConfigureAwait(false) : throw new ProtocolException(SmtpReplies.AuthFailed);
        }
    }

    // Recorded for the throttle (garbage in a loop must not be free), then answered 501, or 421 and closed once the
    // connection has used up Auth:MaxFailuresPerConnection.
    private static async Task<SmtpReply> MalformedAsync(SmtpSession session, string method, SaslStep failure, SmtpReply reply, CancellationToken cancellationToken)
    {
        var result = await session.Authenticator.CompleteAsync(session.Logins, method, failure, cancellationToken).ConfigureAwait(false);
        return await MalformedAsync(session, result, reply).ConfigureAwait(false);
    }

    private static async Task<SmtpReply> MalformedAsync(SmtpSession session, LoginResult result, SmtpReply reply) =>
        result.Disconnect ? await CloseAsync(session, SmtpReplies.TooManyErrors).ConfigureAwait(false) : throw new ProtocolException(reply);

    private static async Task<SmtpReply> CloseAsync(SmtpSession session, SmtpReply reply)
    {
        await session.SayGoodbyeAsync(reply).ConfigureAwait(false);
        return SmtpReply.None;
    }

    /// <summary>Sends a 334 challenge and reads the answer line; null when the session ends meanwhile.</summary>
    private static async Task<string?> ReadAuthLineAsync(SmtpSession session, byte[]? challenge, CancellationToken cancellationToken)
    {
        session.Write(new SmtpReply(334, "", challenge is null ? "" : Convert.ToBase64String(challenge)));
        await session.FlushAsync(cancellationToken).ConfigureAwait(false);
        var line = await session.Connection.Lines.ReadLineAsync(session.Options.MaxCommandLineBytes, session.Options.CommandTimeout, cancellationToken).ConfigureAwait(false);
        switch (line.Status)
        {
            case LineReadStatus.Line:
                return Encoding.ASCII.GetString(line.Line.Span).Trim();
            case LineReadStatus.TooLong:
                throw new ProtocolException(SmtpReplies.LineTooLong);
            case LineReadStatus.TimedOut:
                await session.SayTimeoutAsync().ConfigureAwait(false);
                return null;
            default:
                session.Quit = true;
                return null;
        }
    }

    private static byte[]? Decode(string base64)
    {
        var bytes = Encoding.ASCII.GetBytes(base64);
        if (!Base64.IsValid(bytes, out var length))
        {
            return null;
        }

        var buffer = new byte[length];
        return Convert.TryFromBase64String(base64, buffer, out var written) ? buffer[..written] : null;
    }
}
