// RFC 5321 §4.1.1.4 DATA, §4.5.2 dot-stuffing, §4.4 trace (Received), §4.5.3.1.6 text line, §4.5.3.2.5-6 timeouts;
// RFC 3030 §2-§4 BDAT/CHUNKING; RFC 1870 §6 (552 past the size); RFC 3848 (with ESMTPSA).
using EdgeMail.Delivery;
using EdgeMail.Delivery.Trace;
using EdgeMail.Net;
using EdgeMail.Smtp.Inbound;
using EdgeMail.Smtp.Protocol;
using EdgeMail.Smtp.Session;
using EdgeMail.Store;
using EdgeMail.Store.Queue;

namespace EdgeMail.Smtp.Commands;

internal static class Data
{
    public static async Task<SmtpReply> DataAsync(SmtpSession session, ReadOnlyMemory<byte> arguments, CancellationToken cancellationToken)
    {
        if (!arguments.Span.Trim((byte)' ').IsEmpty)
        {
            throw new ProtocolException(SmtpReplies.SyntaxError);
        }

        if (session.Recipients.Count == 0)
        {
            throw new ProtocolException(SmtpReplies.NoValidRecipients);
        }

        session.Write(SmtpReplies.StartData);
        await session.FlushAsync(cancellationToken).ConfigureAwait(false);

        await using var message = await session.Intake.BeginAsync(Trace(session), cancellationToken).ConfigureAwait(false);
        var lineTooLong = false;
        var crlf = "\r\n"u8.ToArray();
        while (true)
        {
            var result = await session.Connection.Lines.ReadLineAsync(session.Options.MaxTextLineBytes, session.Options.DataBlockTimeout, cancellationToken).ConfigureAwait(false);
            switch (result.Status)
            {
                case LineReadStatus.Closed:
                    // The client left mid-DATA: the staged message goes with the session, nothing is delivered.
                    session.Quit = true;
                    return SmtpReply.None;
                case LineReadStatus.TimedOut:
                    await session.SayTimeoutAsync().ConfigureAwait(false);
                    return SmtpReply.None;
                case LineReadStatus.TooLong:
                    lineTooLong = true;
                    continue;
            }

            var line = result.Line;
            if (line.Length == 1 && line.Span[0] == (byte)'.' && !result.EndsWithBareLineFeed)
            {
                // RFC 5321 §4.1.1.4: only <CRLF>.<CRLF> ends the data; a dot ended by a bare LF does not (SMTP smuggling).
                break;
            }

            if (line.Length > 0 && line.Span[0] == (byte)'.')
            {
                line = line[1..]; // §4.5.2: remove the first of the leading dots.
            }

            if (message.Reserve(line.Length + 2))
            {
                await message.Stream.WriteAsync(line, cancellationToken).ConfigureAwait(false);
                await message.Stream.WriteAsync(crlf, cancellationToken).ConfigureAwait(false);
            }
        }

        // The whole body was read, so the connection stays in step whatever the outcome; one reply.
        if (message.TooLarge)
        {
            session.ResetTransaction();
            throw new ProtocolException(SmtpReplies.MessageTooBig);
        }

        if (lineTooLong)
        {
            session.ResetTransaction();
            throw new ProtocolException(SmtpReplies.TextLineTooLong);
        }

        return await DeliverAsync(session, message, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<SmtpReply> BdatAsync(SmtpSession session, ReadOnlyMemory<byte> arguments, CancellationToken cancellationToken)
    {
        var reader = new SmtpCommandReader(arguments);
        if (!reader.TryReadBdat(out var bdat))
        {
            // RFC 3030 §2: without a size the chunk cannot be skipped, so the connection cannot stay in step.
            await session.SayGoodbyeAsync(SmtpReplies.SyntaxError.With("Syntax: BDAT size [LAST]; closing")).ConfigureAwait(false);
            return SmtpReply.None;
        }

        if (bdat.Size > session.Intake.MaxMessageBytes)
        {
            // A chunk announced beyond the whole limit is refused without reading it, and the session ends:
            // the one exception to reading a refused body to its end.
            await session.DiscardChunksAsync().ConfigureAwait(false);
            session.ResetTransaction();
            await session.SayGoodbyeAsync(SmtpReplies.ChunkTooBig).ConfigureAwait(false);
            return SmtpReply.None;
        }

        if (session.State is not (SmtpState.Mail or SmtpState.Rcpt or SmtpState.Chunking) || session.Recipients.Count == 0)
        {
            // Read the chunk to its end and store nothing, then refuse once.
            var skipped = await session.Connection.Lines.CopyBytesAsync(bdat.Size, null, session.Options.DataBlockTimeout, cancellationToken).ConfigureAwait(false);
            if (skipped == CopyStatus.TimedOut)
            {
                await session.SayTimeoutAsync().ConfigureAwait(false);
                return SmtpReply.None;
            }

            if (skipped != CopyStatus.Completed)
            {
                session.Quit = true;
                return SmtpReply.None;
            }

            var refusal = session.State == SmtpState.Mail ? SmtpReplies.NoValidRecipients : SmtpReplies.BadSequence;
            await session.DiscardChunksAsync().ConfigureAwait(false);
            session.ResetTransaction();
            throw new ProtocolException(refusal);
        }

        if (session.Chunks is null)
        {
            session.Chunks = await session.Intake.BeginAsync(Trace(session), cancellationToken).ConfigureAwait(false);
        }

        var fits = session.Chunks.Reserve(bdat.Size);
        var status = await session.Connection.Lines.CopyBytesAsync(bdat.Size, fits ? session.Chunks.Stream : null, session.Options.DataBlockTimeout, cancellationToken).ConfigureAwait(false);
        if (status == CopyStatus.TimedOut)
        {
            await session.SayTimeoutAsync().ConfigureAwait(false);
            return SmtpReply.None;
        }

        if (status == CopyStatus.Closed)
        {
            session.Quit = true;
            return SmtpReply.None;
        }

        if (!fits)
        {
            // RFC 3030 §2: a failed chunk fails the transaction; later chunks are refused until a new MAIL.
            await session.DiscardChunksAsync().ConfigureAwait(false);
            session.ResetTransaction();
            throw new ProtocolException(SmtpReplies.MessageTooBig);
        }

        if (!bdat.Last)
        {
            session.State = SmtpState.Chunking;
            return new SmtpReply(250, "2.0.0", $"{bdat.Size} octets received");
        }

        var chunks = session.Chunks;
        session.Chunks = null;
        await using (chunks.ConfigureAwait(false))
        {
            return await DeliverAsync(session, chunks, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<SmtpReply> DeliverAsync(SmtpSession session, IncomingMessage message, CancellationToken cancellationToken)
    {
        var mail = session.Mail!;
        var envelope = new IntakeEnvelope(
            mail.ReversePath,
            session.Recipients.ToArray(),
            session.AccountId,
            mail.EnvelopeId,
            mail.Ret switch { "FULL" => DsnReturn.Full, "HDRS" => DsnReturn.Headers, _ => DsnReturn.Default });
        session.ResetTransaction();
        DeliveryResult result;
        try
        {
            result = await session.Intake.DeliverAsync(envelope, message, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreException ex) when (ex.Error == StoreError.StorageFull)
        {
            throw new ProtocolException(SmtpReplies.StorageFull, clientFault: false);
        }
        catch (StoreException ex) when (ex.Error == StoreError.TooLarge)
        {
            throw new ProtocolException(SmtpReplies.MessageTooBig, clientFault: false);
        }
        catch (MailLoopException)
        {
            throw new ProtocolException(SmtpReplies.MailLoop, clientFault: false);
        }

        session.Messages++;
        if (result.QueueId is not null)
        {
            session.Policy.Relayed(session.Trust);
        }

        var local = envelope.Recipients.Count(r => r.IsLocal);
        Log.Accepted(session.Logger, session.Connection.Id, message.MessageBytes, envelope.Sender, local, envelope.Recipients.Count - local, result.QueueId);
        return new SmtpReply(250, "2.0.0", result.QueueId is { } id ? $"OK queued as {id}" : "OK delivered");
    }

    /// <summary>RFC 5321 §4.4 time stamp line for this transaction, with the RFC 3848 protocol name; "for" only with a single recipient.</summary>
    private static ReceivedTrace Trace(SmtpSession session)
    {
        var connection = session.Connection;
        return new ReceivedTrace(
            session.Helo,
            connection.RemoteEndPoint.Address,
            session.HostName,
            ReceivedTrace.SmtpProtocol(session.Extended, connection.IsSecure, session.AccountId is not null),
            $"{connection.Id}.{session.Messages + 1}",
            connection.IsSecure ? $"using {connection.TlsProtocol} with cipher {connection.TlsCipherSuite}" : null,
            session.Recipients.Count == 1 ? session.Recipients[0].Address : null,
            session.Time.GetUtcNow());
    }
}
