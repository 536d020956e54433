using EdgeMail.Auth.Login;
using EdgeMail.Auth.Sasl;
using EdgeMail.Imap.Protocol;
using EdgeMail.Imap.Session;
using EdgeMail.Net;

namespace EdgeMail.Imap.Commands;

// RFC 9051 §6.2.2 AUTHENTICATE, §6.2.3 LOGIN; RFC 4959 SASL-IR; RFC 5530 response codes.
internal static class Login
{
    public static async Task<CommandResult> LoginAsync(ImapSession session, ImapCommand command, CancellationToken cancellationToken)
    {
        var args = command.Arguments();
        args.ReadSpace();
        var user = args.ReadAstring();
        args.ReadSpace();
        var password = args.ReadAstring();
        args.ExpectEnd();
        if (!session.PlaintextAllowed)
        {
            // RFC 9051 §6.2.3: LOGINDISABLED is advertised; use STARTTLS first.
            return CommandResult.No("PRIVACYREQUIRED", "LOGIN needs TLS: use STARTTLS first, or port " + session.Options.TlsPort);
        }

        var result = await session.Authenticator.LoginAsync(session.Logins, "LOGIN", user, password, cancellationToken).ConfigureAwait(false);
        return Finish(session, result);
    }

    public static async Task<CommandResult> AuthenticateAsync(ImapSession session, ImapCommand command, CancellationToken cancellationToken)
    {
        var args = command.Arguments();
        args.ReadSpace();
        var name = args.ReadAtom();
        byte[]? initial = null;
        if (args.TryReadSpace())
        {
            // RFC 4959 §3: "=" is an empty initial response.
            var text = args.ReadAtom();
            initial = text == "=" ? [] : Decode(text);
        }

        args.ExpectEnd();
        var mechanism = session.Authenticator.CreateMechanism(name);
        if (mechanism is null)
        {
            return CommandResult.No("CANNOT", $"unsupported mechanism {name}; try {string.Join(", ", session.Authenticator.MechanismNames)}");
        }

        if (mechanism.IsPlaintext && !session.PlaintextAllowed)
        {
            return CommandResult.No("PRIVACYREQUIRED", $"{mechanism.Name} needs TLS: use STARTTLS first, or SCRAM-SHA-256");
        }

        var method = "AUTHENTICATE " + mechanism.Name;
        if (!await session.Authenticator.AdmitAsync(session.Logins, method, cancellationToken).ConfigureAwait(false))
        {
            return Finish(session, LoginResult.Locked);
        }

        var response = initial;
        while (true)
        {
            // A null byte[] would convert to an empty, non-null ReadOnlyMemory (an empty initial response); a missing
            // one must reach the mechanism as null, so that it asks with an empty challenge (RFC 4422 §5, RFC 9051 §6.2.2).
            var step = await mechanism.StepAsync(response is null ? (ReadOnlyMemory<byte>?)null : response, cancellationToken).ConfigureAwait(false);
            if (step.Kind != SaslStepKind.Challenge)
            {
                var result = await session.Authenticator.CompleteAsync(session.Logins, method, step, cancellationToken).ConfigureAwait(false);
                if (result.Succeeded && step.Data is { Length: > 0 } final)
                {
                    // RFC 9051 §6.2.2: additional data with success goes in a continuation... or, simpler and
                    // allowed by RFC 4422 §5, as a challenge the client answers with an empty line.
                    session.Writer.Raw("+ ").Raw(Convert.ToBase64String(final)).Crlf();
                    await session.Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                    var ack = await session.ReadContinuationLineAsync(session.Options.UnauthenticatedTimeout, cancellationToken).ConfigureAwait(false);
                    if (ack is null or "*")
                    {
                        throw ProtocolException.Bad(null, "authentication cancelled");
                    }
                }

                return Finish(session, result);
            }

            session.Writer.Raw("+ ").Raw(Convert.ToBase64String(step.Data ?? [])).Crlf();
            await session.Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            var line = await session.ReadContinuationLineAsync(session.Options.UnauthenticatedTimeout, cancellationToken).ConfigureAwait(false)
                ?? throw new IOException("the client left during AUTHENTICATE");
            if (line == "*")
            {
                // RFC 9051 §6.2.2: the client cancels with "*"; the server answers BAD.
                throw ProtocolException.Bad(null, "authentication cancelled");
            }

            response = Decode(line);
        }
    }

    private static byte[] Decode(string base64)
    {
        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw ProtocolException.Bad(null, "the SASL response is not valid base64");
        }
    }

    private static CommandResult Finish(ImapSession session, LoginResult result)
    {
        session.CloseAfterReply = result.Disconnect;
        switch (result.Outcome)
        {
            case LoginOutcome.Success:
                session.LoggedIn(result);

                // RFC 9051 §6.2.3: the capabilities change after login, so send them with the OK.
                return CommandResult.WithCode("CAPABILITY " + session.CapabilityText, "logged in");
            case LoginOutcome.Locked:
                return CommandResult.No("UNAVAILABLE", "too many failed logins; try again later");
            case LoginOutcome.Malformed:
                throw ProtocolException.Bad(null, "malformed SASL exchange");
            default:
                return CommandResult.No("AUTHENTICATIONFAILED", "invalid credentials");
        }
    }
}
