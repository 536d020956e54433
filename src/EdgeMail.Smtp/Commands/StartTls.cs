// RFC 3207 §4 (STARTTLS), §4.2 (forget everything learnt before TLS); CVE-2011-0411 (no pipelined plaintext).
using EdgeMail.Smtp.Protocol;
using EdgeMail.Smtp.Session;

namespace EdgeMail.Smtp.Commands;

internal static class StartTls
{
    public static async Task<SmtpReply> StartTlsAsync(SmtpSession session, ReadOnlyMemory<byte> arguments, CancellationToken cancellationToken)
    {
        if (!arguments.Span.Trim((byte)' ').IsEmpty)
        {
            throw new ProtocolException(SmtpReplies.SyntaxError);
        }

        var connection = session.Connection;
        if (connection.IsSecure)
        {
            throw new ProtocolException(SmtpReplies.BadSequence.With("TLS is already active"));
        }

        if (!connection.CanUpgradeToTls)
        {
            throw new ProtocolException(SmtpReplies.TlsNotAvailable, clientFault: false);
        }

        // The 220 goes out before the handshake, so this handler answers itself.
        session.Write(SmtpReplies.ReadyForTls);
        await connection.UpgradeToTlsAsync(cancellationToken).ConfigureAwait(false);
        session.ResetTransaction();
        session.Helo = null;
        session.State = SmtpState.Connected;
        return SmtpReply.None;
    }
}
