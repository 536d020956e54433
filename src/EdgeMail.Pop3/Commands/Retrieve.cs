// RFC 1939 §5 RETR, §7 TOP; §3 multi-line responses and byte-stuffing.
using System.Buffers;
using System.Globalization;
using EdgeMail.Pop3.Protocol;
using EdgeMail.Pop3.Session;
using EdgeMail.Store;

namespace EdgeMail.Pop3.Commands;

internal static class Retrieve
{
    private const int ReadBufferBytes = 16 * 1024;

    // Flushing every 64 KiB lets the socket's backpressure pace the read of a large message.
    private const int FlushEveryBytes = 64 * 1024;

    public static async ValueTask<Pop3Reply> RetrAsync(Pop3Session session, Pop3Command command, CancellationToken stopping)
    {
        var message = Listing.Find(session.Maildrop!, ((MessageCommand)command).Message!.Value);
        await SendAsync(session, message, -1, string.Create(CultureInfo.InvariantCulture, $"{message.Size} octets")).ConfigureAwait(false);
        message.Retrieved = true;
        return Pop3Reply.Answered;
    }

    public static async ValueTask<Pop3Reply> TopAsync(Pop3Session session, Pop3Command command, CancellationToken stopping)
    {
        var top = (TopCommand)command;
        var message = Listing.Find(session.Maildrop!, top.Message);
        await SendAsync(session, message, top.Lines, "top of message follows").ConfigureAwait(false);
        return Pop3Reply.Answered;
    }

    private static async Task SendAsync(Pop3Session session, MaildropMessage message, long bodyLines, string okText)
    {
        Stream body;
        try
        {
            body = await session.Store.OpenBodyAsync(message.Record.BodyId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (StoreException ex) when (ex.Error == StoreError.NotFound)
        {
            throw new ProtocolException(Pop3Replies.MessageGone, clientFault: false);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferBytes);
        try
        {
            await using (body.ConfigureAwait(false))
            {
                session.Reply(Pop3Reply.Success(okText));
                var output = session.Connection.Output;
                var encoder = new WireEncoder(dotStuff: true, bodyLines);
                long flushedAt = 0;
                int read;
                while (!encoder.Done && (read = await body.ReadAsync(buffer, CancellationToken.None).ConfigureAwait(false)) > 0)
                {
                    encoder.Write(buffer.AsSpan(0, read), output);
                    if (encoder.Length - flushedAt >= FlushEveryBytes)
                    {
                        flushedAt = encoder.Length;
                        await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                    }
                }

                encoder.Complete(output);
                Pop3ResponseWriter.WriteTerminator(output);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
