// RFC 3207 §4 (STARTTLS), §4.2 (forget everything learnt before TLS); CVE-2011-0411 (no pipelined plaintext).
using EdgeMail.Smtp.Protocol;

namespace EdgeMail.Smtp.Session;

internal sealed partial class SmtpSession
{
    public async Task StartTlsAsync(ReadOnlyMemory<byte> arguments, CancellationToken cancellationToken)
    {
        if (!arguments.Span.Trim((byte)' ').IsEmpty)
        {
            throw new ProtocolException(SmtpReplies.SyntaxError);
        }

        if (_connection.IsSecure)
        {
            throw new ProtocolException(SmtpReplies.BadSequence.With("TLS is already active"));
        }

        if (!_connection.CanUpgradeToTls)
        {
            throw new ProtocolException(SmtpReplies.TlsNotAvailable, clientFault: false);
        }

        Write(SmtpReplies.ReadyForTls);
        await _connection.UpgradeToTlsAsync(cancellationToken).ConfigureAwait(false);
        ResetTransaction();
        _helo = null;
        _state = SmtpState.Connected;
    }
}
