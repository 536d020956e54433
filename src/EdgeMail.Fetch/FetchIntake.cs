using System.Buffers;
using System.Net;
using EdgeMail.Delivery;
using EdgeMail.Delivery.Routing;
using EdgeMail.Delivery.Trace;
using EdgeMail.Store;
using EdgeMail.Store.Fetch;
using MimeKit;

namespace EdgeMail.Fetch;

/// <summary>
/// The fetcher's side of the one intake path: a fetched message goes through <see cref="MailDelivery"/> exactly as an
/// SMTP delivery does (a Received line naming the provider and the fetch account, the size limit, the loop limit,
/// the change feed that IMAP IDLE, POP3 and the new-mail LED watch), with its remote identity recorded in the same
/// transaction. A message that cannot be delivered for its size or its loop count is not refused into a retry loop
/// on the provider: a short notice takes its place, recorded under the same identity, and the original stays there.
/// </summary>
internal sealed class FetchIntake(MailStore store, MailDelivery delivery, string byHost, TimeProvider time)
{
    private const int CopyBufferBytes = 64 * 1024;

    public long MaxMessageBytes => delivery.MaxMessageBytes;

    /// <summary>The local mailbox a fetch account delivers to; made when it does not exist (yet, or any more).</summary>
    public async Task<LocalTarget> ResolveTargetAsync(FetchAccount account, CancellationToken cancellationToken)
    {
        var mailbox = await store.GetMailboxAsync(account.AccountId, account.Mailbox, cancellationToken).ConfigureAwait(false);
        if (mailbox is null)
        {
            try
            {
                mailbox = await store.CreateMailboxAsync(account.AccountId, account.Mailbox, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (StoreException ex) when (ex.Error == StoreError.AlreadyExists)
            {
                mailbox = await store.GetMailboxAsync(account.AccountId, account.Mailbox, cancellationToken).ConfigureAwait(false);
            }
        }

        return mailbox is null
            ? throw new StoreException(StoreError.NotFound, $"the local mailbox {account.Mailbox} of {account.AccountAddress} cannot be made")
            : new LocalTarget(account.AccountId, mailbox.Id);
    }

    /// <summary>
    /// Copies one remote message into a staging stream (while <paramref name="source"/> is readable) and starts its
    /// delivery; the task says whether it was stored (false: this remote identity was committed before).
    /// </summary>
    public async Task<Task<bool>> StageAsync(FetchAccount account, RemoteLink link, LocalTarget target, FetchOrigin origin, Stream source, DateTimeOffset? internalDate, CancellationToken cancellationToken)
    {
        var message = await delivery.BeginAsync(Trace(account, link, origin), cancellationToken).ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferBytes);
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, CopyBufferBytes), cancellationToken).ConfigureAwait(false)) > 0)
            {
                await message.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            await message.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return DeliverAsync(account, target, origin, message, internalDate, cancellationToken);
    }

    /// <summary>Delivers a notice in place of a remote message too large to fetch (known from its remote size).</summary>
    public Task<bool> DeliverTooLargeNoticeAsync(FetchAccount account, RemoteLink link, LocalTarget target, FetchOrigin origin, string? from, string? subject, CancellationToken cancellationToken) =>
        DeliverNoticeAsync(account, link, target, origin, from, subject, $"it is {origin.RemoteSize} bytes, larger than the {delivery.MaxMessageBytes} bytes this box accepts (Smtp:MaxMessageBytes)", cancellationToken);

    private async Task<bool> DeliverAsync(FetchAccount account, LocalTarget target, FetchOrigin origin, IncomingMessage message, DateTimeOffset? internalDate, CancellationToken cancellationToken)
    {
        try
        {
            if (message.TooLarge)
            {
                await message.DisposeAsync().ConfigureAwait(false);
                return await DeliverNoticeAsync(account, null, target, origin, null, null, $"it is larger than the {delivery.MaxMessageBytes} bytes this box accepts (Smtp:MaxMessageBytes)", cancellationToken).ConfigureAwait(false);
            }

            await delivery.DeliverAsync(message, [target], null, internalDate, fetched: origin, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (MailLoopException ex)
        {
            return await DeliverNoticeAsync(account, null, target, origin, null, null, $"it has {ex.Received} Received header fields, more than this box accepts from one message (Smtp:MaxReceivedHeaders: a mail loop?)", cancellationToken).ConfigureAwait(false);
        }
        catch (StoreException ex) when (ex.Error == StoreError.AlreadyExists)
        {
            return false;
        }
    }

    private async Task<bool> DeliverNoticeAsync(FetchAccount account, RemoteLink? link, LocalTarget target, FetchOrigin origin, string? from, string? subject, string reason, CancellationToken cancellationToken)
    {
        var notice = new MimeMessage();
        notice.From.Add(new MailboxAddress("EdgeMail", "postmaster@" + byHost));
        notice.To.Add(MailboxAddress.Parse(account.AccountAddress));
        notice.Subject = "A message was left at " + account.Host;
        notice.Date = time.GetUtcNow();
        var what = origin.UidValidity == 0 ? $"the message with UIDL {origin.Key}" : $"the message with UID {origin.Key} in {origin.Folder}";
        notice.Body = new TextPart("plain")
        {
            Text = $"""
                The fetch account {account.Name} ({account.User} at {account.Host}) did not bring {what} here:
                {reason}. It was left on the provider{(account.RemoteAction == FetchRemoteAction.Keep ? "" : " and is not deleted or moved there")}; read it there.

                From: {from ?? "(unknown)"}
                Subject: {subject ?? "(unknown)"}
                Size at the provider: {origin.RemoteSize} bytes
                """,
        };

        // The original stays on the provider, so nothing remote is to be done for it.
        var recorded = origin with { RemoteActionPending = false };
        await using var message = await delivery.BeginAsync(link is null ? null : Trace(account, link, origin), cancellationToken).ConfigureAwait(false);
        await notice.WriteToAsync(FormatOptions.Default, message.Stream, cancellationToken).ConfigureAwait(false);
        try
        {
            await delivery.DeliverAsync(message, [target], null, fetched: recorded, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (StoreException ex) when (ex.Error == StoreError.AlreadyExists)
        {
            return false;
        }
    }

    /// <summary>RFC 5321 §4.4: from the provider's name and address, by this box, with the protocol, for the local account.</summary>
    private ReceivedTrace Trace(FetchAccount account, RemoteLink link, FetchOrigin origin) => new(
        ClientName: account.Host,
        ClientAddress: link.RemoteAddress ?? IPAddress.None,
        ByHost: byHost,
        Protocol: account.Protocol == FetchProtocol.Imap ? "IMAP" : "POP3",
        Id: origin.UidValidity == 0 ? $"{account.Name}.{origin.Key}" : $"{account.Name}.{origin.UidValidity}.{origin.Key}",
        Tls: link.TlsDescription,
        ForRecipient: account.AccountAddress,
        Date: time.GetUtcNow(),
        Comment: $"fetched by {account.Name} from {origin.Folder}");
}
