// RFC 5321 §4.1.1.5 RSET, §4.1.1.6 and §3.5.3 VRFY, §4.1.1.8 HELP, §4.1.1.9 NOOP, §4.1.1.10 QUIT: the verbs allowed in any state.
using EdgeMail.Smtp.Protocol;
using EdgeMail.Smtp.Session;

namespace EdgeMail.Smtp.Commands;

internal static class AnyState
{
    public static async Task<SmtpReply> RsetAsync(SmtpSession session, ReadOnlyMemory<byte> arguments, CancellationToken cancellationToken)
    {
        await session.DiscardChunksAsync().ConfigureAwait(false);
        session.ResetTransaction();
        return SmtpReplies.ResetOk;
    }

    // §3.5.3: no address is confirmed or denied (no directory harvesting); 252 says "send it and see".
    public static Task<SmtpReply> VrfyAsync(SmtpSession session, ReadOnlyMemory<byte> arguments, CancellationToken cancellationToken) =>
        Task.FromResult(SmtpReplies.CannotVerify);

    public static Task<SmtpReply> NoopAsync(SmtpSession session, ReadOnlyMemory<byte> arguments, CancellationToken cancellationToken) =>
        Task.FromResult(SmtpReplies.Ok);

    public static Task<SmtpReply> QuitAsync(SmtpSession session, ReadOnlyMemory<byte> arguments, CancellationToken cancellationToken)
    {
        session.Quit = true;
        return Task.FromResult(SmtpReplies.Bye);
    }
}
