// RFC 5321 §4.1.1.5 RSET, §4.1.1.6 and §3.5.3 VRFY, §4.1.1.8 HELP, §4.1.1.9 NOOP, §4.1.1.10 QUIT.
using EdgeMail.Smtp.Protocol;

namespace EdgeMail.Smtp.Session;

internal sealed partial class SmtpSession
{
    public async Task ResetAsync(ReadOnlyMemory<byte> arguments, CancellationToken cancellationToken)
    {
        await DiscardChunksAsync().ConfigureAwait(false);
        ResetTransaction();
        Write(SmtpReplies.ResetOk);
    }

    // §3.5.3: no address is confirmed or denied (no directory harvesting); 252 says "send it and see".
    public Task VerifyAsync(ReadOnlyMemory<byte> arguments, CancellationToken cancellationToken)
    {
        Write(SmtpReplies.CannotVerify);
        return Task.CompletedTask;
    }

    public Task NoopAsync(ReadOnlyMemory<byte> arguments, CancellationToken cancellationToken)
    {
        Write(SmtpReplies.Ok);
        return Task.CompletedTask;
    }

    public Task QuitAsync(ReadOnlyMemory<byte> arguments, CancellationToken cancellationToken)
    {
        Write(SmtpReplies.Bye);
        _quit = true;
        return Task.CompletedTask;
    }
}
