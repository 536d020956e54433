// RFC 5321 §4.1.1.4 DATA, §4.5.2 dot-stuffing, §4.4 trace (Received), §4.5.3.1.6 text line, §4.5.3.2.5-6 timeouts;
// RFC 3030 §2-§4 BDAT/CHUNKING; RFC 1870 §6 (552 past the size); RFC 3848 (with ESMTPSA).
using System.Text;
using EdgeMail.Net;
using EdgeMail.Smtp.Inbound;
using EdgeMail.Smtp.Protocol;
using EdgeMail.Store;
using EdgeMail.Store.Queue;
using MimeKit.Utils;

namespace EdgeMail.Smtp.Session;

internal sealed partial class SmtpSession
{
    public async Task DataAsync(ReadOnlyMemory<byte> arguments, CancellationToken cancellationToken)
    {
        if (!arguments.Span.Trim((byte)' ').IsEmpty)
        {
            throw new ProtocolException(SmtpReplies.SyntaxError);
        }

        if (_recipients.Count == 0)
        {
            throw new ProtocolException(SmtpReplies.NoValidRecipients);
        }

        Write(SmtpReplies.StartData);
        await FlushAsync(cancellationToken).ConfigureAwait(false);

        await using var spool = new MessageSpool(_spoolFolder, _options.MaxMessageBytes);
        await spool.WriteHeaderAsync(ReceivedHeader(), cancellationToken).ConfigureAwait(false);
        var lineTooLong = false;
        var crlf = "\r\n"u8.ToArray();
        while (true)
        {
            var result = await _connection.Lines.ReadLineAsync(_options.MaxTextLineBytes, _options.DataBlockTimeout, cancellationToken).ConfigureAwait(false);
            switch (result.Status)
            {
                case LineReadStatus.Closed:
                    // The client left mid-DATA: the spool file goes with the session, nothing is delivered.
                    _quit = true;
                    return;
                case LineReadStatus.TimedOut:
                    await SayGoodbyeAsync(SmtpReplies.Timeout).ConfigureAwait(false);
                    return;
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

            if (spool.Reserve(line.Length + 2))
            {
                await spool.Stream.WriteAsync(line, cancellationToken).ConfigureAwait(false);
                await spool.Stream.WriteAsync(crlf, cancellationToken).ConfigureAwait(false);
            }
        }

        // The whole body was read, so the connection stays in step whatever the outcome; one reply.
        if (spool.TooLarge)
        {
            ResetTransaction();
            throw new ProtocolException(SmtpReplies.MessageTooBig);
        }

        if (lineTooLong)
        {
            ResetTransaction();
            throw new ProtocolException(SmtpReplies.TextLineTooLong);
        }

        await DeliverAsync(spool, cancellationToken).ConfigureAwait(false);
    }

    public async Task BdatAsync(ReadOnlyMemory<byte> arguments, CancellationToken cancellationToken)
    {
        var reader = new SmtpCommandReader(arguments);
        if (!reader.TryReadBdat(out var bdat))
        {
            // RFC 3030 §2: without a size the chunk cannot be skipped, so the connection cannot stay in step.
            await SayGoodbyeAsync(SmtpReplies.SyntaxError.With("Syntax: BDAT size [LAST]; closing")).ConfigureAwait(false);
            return;
        }

        if (_state is not (SmtpState.Mail or SmtpState.Rcpt or SmtpState.Chunking) || _recipients.Count == 0)
        {
            // Read the chunk to its end and store nothing, then refuse once.
            if (await _connection.Lines.CopyBytesAsync(bdat.Size, null, _options.DataBlockTimeout, cancellationToken).ConfigureAwait(false) != CopyStatus.Completed)
            {
                _quit = true;
                return;
            }

            var refusal = _state == SmtpState.Mail ? SmtpReplies.NoValidRecipients : SmtpReplies.BadSequence;
            await DiscardChunksAsync().ConfigureAwait(false);
            ResetTransaction();
            throw new ProtocolException(refusal);
        }

        if (_chunks is null)
        {
            _chunks = new MessageSpool(_spoolFolder, _options.MaxMessageBytes);
            await _chunks.WriteHeaderAsync(ReceivedHeader(), cancellationToken).ConfigureAwait(false);
        }

        var fits = _chunks.Reserve(bdat.Size);
        var status = await _connection.Lines.CopyBytesAsync(bdat.Size, fits ? _chunks.Stream : null, _options.DataBlockTimeout, cancellationToken).ConfigureAwait(false);
        if (status == CopyStatus.TimedOut)
        {
            await SayGoodbyeAsync(SmtpReplies.Timeout).ConfigureAwait(false);
            return;
        }

        if (status == CopyStatus.Closed)
        {
            _quit = true;
            return;
        }

        if (!fits)
        {
            // RFC 3030 §2: a failed chunk fails the transaction; later chunks are refused until a new MAIL.
            await DiscardChunksAsync().ConfigureAwait(false);
            ResetTransaction();
            throw new ProtocolException(SmtpReplies.MessageTooBig);
        }

        if (!bdat.Last)
        {
            _state = SmtpState.Chunking;
            Write(new SmtpReply(250, "2.0.0", $"{bdat.Size} octets received"));
            return;
        }

        var spool = _chunks;
        _chunks = null;
        await using (spool.ConfigureAwait(false))
        {
            await DeliverAsync(spool, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DeliverAsync(MessageSpool spool, CancellationToken cancellationToken)
    {
        var mail = _mail!;
        var envelope = new IntakeEnvelope(
            mail.ReversePath,
            _recipients.ToArray(),
            _accountId,
            mail.EnvelopeId,
            mail.Ret switch { "FULL" => DsnReturn.Full, "HDRS" => DsnReturn.Headers, _ => DsnReturn.Default });
        ResetTransaction();
        DeliveryResult result;
        try
        {
            var body = await spool.RewindAsync(cancellationToken).ConfigureAwait(false);
            result = await _intake.DeliverAsync(envelope, body, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreException ex) when (ex.Error == StoreError.StorageFull)
        {
            throw new ProtocolException(SmtpReplies.StorageFull, clientFault: false);
        }
        catch (StoreException ex) when (ex.Error == StoreError.TooLarge)
        {
            throw new ProtocolException(SmtpReplies.MessageTooBig, clientFault: false);
        }

        _messages++;
        var local = envelope.Recipients.Count(r => r.IsLocal);
        Log.Accepted(_logger, _connection.Id, spool.MessageBytes, envelope.Sender, local, envelope.Recipients.Count - local, result.QueueId);
        Write(new SmtpReply(250, "2.0.0", result.QueueId is { } id ? $"OK queued as {id}" : "OK delivered"));
    }

    /// <summary>RFC 5321 §4.4 time stamp line, with the RFC 3848 protocol name; "for" only with a single recipient.</summary>
    private byte[] ReceivedHeader()
    {
        var protocol = (_extended ? "ESMTP" : "SMTP") + (_connection.IsSecure ? "S" : "") + (_accountId is null ? "" : "A");
        if (protocol == "SMTPS" || protocol == "SMTPA" || protocol == "SMTPSA")
        {
            protocol = "E" + protocol; // RFC 3848 defines the S and A forms for ESMTP only.
        }

        var remote = _connection.RemoteEndPoint.Address;
        var address = remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4().ToString() : remote.ToString();
        var literal = remote.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && !remote.IsIPv4MappedToIPv6 ? "IPv6:" + address : address;
        var tls = _connection.IsSecure ? $"\r\n\t(using {_connection.TlsProtocol} with cipher {_connection.TlsCipherSuite})" : "";
        var forClause = _recipients.Count == 1 ? $"\r\n\tfor <{_recipients[0].Address}>" : "";
        var helo = Sanitize(_helo ?? "unknown");
        var text = $"Received: from {helo} ([{literal}])\r\n\tby {_hostName} (EdgeMail) with {protocol} id {_connection.Id}.{_messages + 1}{tls}{forClause};\r\n\t{DateUtils.FormatDate(_time.GetUtcNow())}\r\n";
        return Encoding.UTF8.GetBytes(text);
    }

    private static string Sanitize(string text) => new(text.Where(c => c > ' ' && c != '(' && c != ')' && c != ';').Take(255).ToArray());
}
