// RFC 5321 §4.1.1.1 (EHLO, HELO), §4.1.4 (EHLO resets the transaction); RFC 3207 §4.2 (after TLS, start over).
using EdgeMail.Smtp.Protocol;
using EdgeMail.Smtp.Session;

namespace EdgeMail.Smtp.Commands;

internal static class Hello
{
    public static Task<SmtpReply> EhloAsync(SmtpSession session, ReadOnlyMemory<byte> arguments, CancellationToken cancellationToken) =>
        Task.FromResult(Greet(session, arguments, extended: true));

    public static Task<SmtpReply> HeloAsync(SmtpSession session, ReadOnlyMemory<byte> arguments, CancellationToken cancellationToken) =>
        Task.FromResult(Greet(session, arguments, extended: false));

    private static SmtpReply Greet(SmtpSession session, ReadOnlyMemory<byte> arguments, bool extended)
    {
        var name = SmtpSession.ArgumentText(arguments);
        if (name.Length == 0 || name.Contains(' ', StringComparison.Ordinal))
        {
            throw new ProtocolException(SmtpReplies.SyntaxError.With(extended ? "EHLO needs a domain or address literal" : "HELO needs a domain"));
        }

        session.ResetTransaction();
        session.Helo = name;
        session.Extended = extended;
        session.State = SmtpState.Ready;
        var greeting = $"{session.HostName} Hello {name}";
        if (!extended)
        {
            return new SmtpReply(250, "", greeting);
        }

        // RFC 4954 §4 and RFC 8314: AUTH only where the password cannot be read on the way (TLS, or loopback).
        var connection = session.Connection;
        var offerAuth = session.AccountId is null && (connection.IsSecure || connection.IsLoopback);
        var lines = Capabilities.For(session.Intake.MaxMessageBytes, connection.CanUpgradeToTls, offerAuth ? session.Authenticator.MechanismNames : null);
        lines.Insert(0, greeting);
        for (var i = 0; i < lines.Count - 1; i++)
        {
            session.WriteContinuation(250, lines[i]);
        }

        return new SmtpReply(250, "", lines[^1]);
    }
}
