using EdgeMail.Imap.Protocol;
using EdgeMail.Imap.Session;
using EdgeMail.Net;

namespace EdgeMail.Imap.Commands;

// RFC 9051 §6.2.1 STARTTLS; CVE-2011-0411 (no command pipelined behind it is run inside TLS).
internal static class StartTls
{
    public static async Task<CommandResult> StartTlsAsync(ImapSession session, ImapCommand command, CancellationToken cancellationToken)
    {
        command.Arguments().ExpectEnd();
        if (!session.Connection.CanUpgradeToTls)
        {
            throw ProtocolException.Bad(null, "TLS is already active");
        }

        session.Writer.Raw(command.Tag).Raw(" OK Begin TLS negotiation now\r\n");
        await session.Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await session.Connection.UpgradeToTlsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (StartTlsInjectionException)
        {
            // CVE-2011-0411: commands sent before the handshake must not be run inside TLS.
            session.State = ImapState.Logout;
            return CommandResult.AlreadyAnswered;
        }
        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
        {
            session.State = ImapState.Logout;
            return CommandResult.AlreadyAnswered;
        }

        // The pipes were replaced by the TLS ones. The tagged OK went out in the clear above; nothing more is sent
        // until the client's next command (RFC 9051 §6.2.1).
        session.Writer.Output = session.Connection.Output;
        return CommandResult.AlreadyAnswered;
    }
}
