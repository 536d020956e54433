// RFC 5321 §4.1.1.1 (EHLO, HELO), §4.1.4 (EHLO resets the transaction); RFC 3207 §4.2 (after TLS, start over).
using EdgeMail.Smtp.Protocol;

namespace EdgeMail.Smtp.Session;

internal sealed partial class SmtpSession
{
    public Task HelloAsync(ReadOnlyMemory<byte> arguments, bool extended, CancellationToken cancellationToken)
    {
        var name = ArgumentText(arguments);
        if (name.Length == 0 || name.Contains(' ', StringComparison.Ordinal))
        {
            throw new ProtocolException(SmtpReplies.SyntaxError.With(extended ? "EHLO needs a domain or address literal" : "HELO needs a domain"));
        }

        ResetTransaction();
        _helo = name;
        _extended = extended;
        _state = SmtpState.Ready;
        if (!extended)
        {
            Write(new SmtpReply(250, "", $"{_hostName} Hello {name}"));
            return Task.CompletedTask;
        }

        // RFC 4954 §4 and RFC 8314: AUTH only where the password cannot be read on the way (TLS, or loopback).
        var offerAuth = _accountId is null && (_connection.IsSecure || _connection.IsLoopback);
        var lines = Capabilities.For(_options.MaxMessageBytes, _connection.CanUpgradeToTls, offerAuth ? _authenticator.MechanismNames : null);
        lines.Insert(0, $"{_hostName} Hello {name}");
        WriteLines(250, lines);
        return Task.CompletedTask;
    }
}
