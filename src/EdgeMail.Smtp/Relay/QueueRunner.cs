using System.Net.Sockets;
using EdgeMail.Delivery;
using EdgeMail.Smtp.Dsn;
using EdgeMail.Smtp.Inbound;
using EdgeMail.Store;
using EdgeMail.Store.Accounts;
using EdgeMail.Store.Queue;
using MailKit;
using MailStore = EdgeMail.Store.MailStore;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace EdgeMail.Smtp.Relay;

/// <summary>
/// Sends the relay queue to the upstream. Each attempt is recorded before it starts (recipients "sending") and right
/// after the upstream's answer, so a crash can only repeat the one attempt whose answer was not recorded. A 4xx or an
/// unreachable upstream retries with <see cref="Backoff"/>; a 5xx or expiry (Relay:MaxQueueLifetime) fails the
/// recipient, and a finished message with failures becomes a delivery status notification (RFC 3464) in the sender's
/// INBOX, in the same transaction that removes it from the queue. While the upstream is unreachable it is probed every
/// Relay:ProbeInterval, and the queue drains as soon as it answers.
/// </summary>
public sealed class QueueRunner : BackgroundService
{
    private readonly MailStore _store;
    private readonly RelayOptions _options;
    private readonly MailDelivery _delivery;
    private readonly RelayQueueSignal _signal;
    private readonly TimeProvider _time;
    private readonly ILogger<QueueRunner> _logger;
    private readonly string _hostName;
    // Written by parallel deliveries; a stale read only delays a probe or a flush by one pass.
    private volatile bool _upstreamDown;
    private DateTimeOffset _lastProbe;

    private readonly RelayHealthSignal? _health;

    public QueueRunner(MailStore store, RelayOptions options, SmtpOptions smtp, MailDelivery delivery, RelayQueueSignal signal, TimeProvider time, ILogger<QueueRunner> logger, RelayHealthSignal? health = null)
    {
        _health = health;
        ArgumentNullException.ThrowIfNull(smtp);
        _store = store;
        _options = options;
        _delivery = delivery;
        _signal = signal;
        _time = time;
        _logger = logger;
        _hostName = smtp.EffectiveHostName;
    }

    /// <summary>Passes over the queue that ended waiting (their timer armed), for tests that step a manual clock.</summary>
    public long Passes => Interlocked.Read(ref _passes);

    private long _passes;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var requeued = await _store.RequeueInterruptedAsync(stoppingToken).ConfigureAwait(false);
        if (requeued > 0)
        {
            Log.Requeued(_logger, requeued);
        }

        // Mail that waited for an unreachable upstream before a restart: probe at once rather than wait out its backoff.
        var waiting = await _store.ListQueueAsync(stoppingToken).ConfigureAwait(false);
        if (waiting.Any(m => m.Recipients.Any(r => r.State == RecipientState.Queued && r.Unreachable)))
        {
            _upstreamDown = true;
            _lastProbe = DateTimeOffset.MinValue;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            // Taken before the pass, so mail queued during it wakes the next wait.
            var wake = _signal.NextAsync();
            try
            {
                if (_upstreamDown && _time.GetUtcNow() - _lastProbe >= _options.ProbeInterval)
                {
                    await ProbeAsync(stoppingToken).ConfigureAwait(false);
                }

                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
                await PublishHealthAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested && ex is StoreException or IOException or InvalidOperationException or Microsoft.Data.Sqlite.SqliteException)
            {
                Log.RunnerFailed(_logger, ex);
            }

            var delay = _options.ScanInterval;
            var next = await _store.GetNextQueueDueAsync(stoppingToken).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            if (next is { } due && due - now < delay)
            {
                delay = due > now ? due - now : TimeSpan.Zero;
            }

            if (_upstreamDown && _options.ProbeInterval < delay)
            {
                delay = _options.ProbeInterval;
            }

            if (delay <= TimeSpan.Zero)
            {
                Interlocked.Increment(ref _passes);
                continue;
            }

            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var sleep = Task.Delay(delay, _time, cancel.Token);
            Interlocked.Increment(ref _passes);
            await Task.WhenAny(wake, sleep).ConfigureAwait(false);
            await cancel.CancelAsync().ConfigureAwait(false);
        }
    }

    // After each pass: recipients waiting for a retry, and whether the upstream answered at all.
    private async Task PublishHealthAsync(CancellationToken cancellationToken)
    {
        if (_health is null)
        {
            return;
        }

        // The same count as `status` shows as deferred, from one counting query rather than the whole queue.
        var counts = await _store.GetQueueCountsAsync(cancellationToken).ConfigureAwait(false);
        _health.Publish(new RelayHealth(counts.Deferred, _upstreamDown));
    }

    /// <summary>One pass: report and remove finished messages, then attempt every message with a recipient due now.</summary>
    internal async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        foreach (var finished in await _store.GetFinishedQueueAsync(cancellationToken).ConfigureAwait(false))
        {
            await FinishAsync(finished, cancellationToken).ConfigureAwait(false);
        }

        var now = _time.GetUtcNow();
        var wasDown = _upstreamDown;
        var unreachableInThisPass = 0;
        var due = await _store.GetDueQueueAsync(now, cancellationToken).ConfigureAwait(false);
        // Up to Relay:MaxParallelDeliveries workers, each with one upstream connection that it keeps for the messages
        // it sends in this pass (one EHLO, STARTTLS and AUTH per connection, not per message).
        var pending = new System.Collections.Concurrent.ConcurrentQueue<QueuedMessage>(due);
        var workers = Enumerable.Range(0, Math.Min(Math.Max(1, _options.MaxParallelDeliveries), due.Count)).Select(_ => Task.Run(async () =>
        {
            await using var upstream = new UpstreamConnection();
            while (pending.TryDequeue(out var message))
            {
                if (Volatile.Read(ref unreachableInThisPass) != 0 && now < message.Expires)
                {
                    // One unanswered connect is enough: the rest wait for the probe instead of each timing out in turn.
                    await DeferUnattemptedAsync(message, now, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (await AttemptAsync(message, upstream, cancellationToken).ConfigureAwait(false))
                {
                    Volatile.Write(ref unreachableInThisPass, 1);
                }

                var after = await _store.GetQueuedAsync(message.Id, cancellationToken).ConfigureAwait(false);
                if (after is { IsFinished: true })
                {
                    await FinishAsync(after, cancellationToken).ConfigureAwait(false);
                }
            }
        }, cancellationToken)).ToList();
        await Task.WhenAll(workers).ConfigureAwait(false);

        if (wasDown && !_upstreamDown)
        {
            // The upstream answered a fresh message: what waited for it goes now, not at the end of its backoff.
            var count = await _store.FlushQueueAsync(onlyUnreachable: true, cancellationToken).ConfigureAwait(false);
            if (count > 0)
            {
                Log.UpstreamBack(_logger, count);
                _signal.Notify();
            }
        }
    }

    private Task DeferUnattemptedAsync(QueuedMessage message, DateTimeOffset now, CancellationToken cancellationToken) =>
        _store.RecordOutcomesAsync(
            message.Recipients
                .Where(r => r.State == RecipientState.Queued && r.NextAttempt <= now)
                .Select(r => new RecipientOutcome(r.Id, RecipientState.Queued, r.LastError ?? "upstream unreachable", now + Backoff.After(Math.Max(1, r.Attempts), _options), Unreachable: true))
                .ToList(),
            cancellationToken);

    /// <summary>A TCP connect to the upstream; when it answers, everything waiting for it is due now.</summary>
    internal async Task ProbeAsync(CancellationToken cancellationToken)
    {
        _lastProbe = _time.GetUtcNow();
        if (!_options.IsConfigured)
        {
            return;
        }

        try
        {
            using var client = new TcpClient();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            await client.ConnectAsync(_options.Host, _options.Port, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return;
        }

        _upstreamDown = false;
        var count = await _store.FlushQueueAsync(onlyUnreachable: true, cancellationToken).ConfigureAwait(false);
        Log.UpstreamBack(_logger, count);
    }

    /// <summary>One attempt for the message's due recipients; true when the upstream did not answer.</summary>
    private async Task<bool> AttemptAsync(QueuedMessage message, UpstreamConnection upstream, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var due = message.Recipients.Where(r => r.State == RecipientState.Queued && r.NextAttempt <= now).ToList();
        if (due.Count == 0)
        {
            return false;
        }

        if (now >= message.Expires)
        {
            // RFC 3463 §3.5 4.4.7: the message stayed in the queue too long.
            await _store.RecordOutcomesAsync(due.Select(r => new RecipientOutcome(r.Id, RecipientState.Failed, "4.4.7 delivery time expired: " + (r.LastError ?? "not attempted"), now)).ToList(), cancellationToken).ConfigureAwait(false);
            return false;
        }

        // Recorded before the attempt: after a crash these show as interrupted, never as untouched.
        await _store.MarkSendingAsync(due.Select(r => r.Id).ToList(), cancellationToken).ConfigureAwait(false);
        var reused = upstream.Client is { IsConnected: true };
        var outcomes = await SendAsync(message, due, upstream, cancellationToken).ConfigureAwait(false);
        if (reused && upstream.Client is null && outcomes.All(o => o.State == RecipientState.Queued))
        {
            // The kept connection failed (the upstream may have closed it): once more on a fresh one, so that a stale
            // connection neither delays the message nor passes for an unreachable upstream.
            outcomes = await SendAsync(message, due, upstream, cancellationToken).ConfigureAwait(false);
        }

        await _store.RecordOutcomesAsync(outcomes, CancellationToken.None).ConfigureAwait(false);
        foreach (var outcome in outcomes)
        {
            var recipient = due.First(r => r.Id == outcome.RecipientId);
            Log.RelayOutcome(_logger, message.Id, recipient.Address, outcome.State == RecipientState.Queued ? $"deferred: {outcome.Error}" : outcome.State == RecipientState.Failed ? $"failed: {outcome.Error}" : "delivered");
        }

        return outcomes.Any(o => o.Unreachable);
    }

    private async Task<List<RecipientOutcome>> SendAsync(QueuedMessage message, List<QueuedRecipient> due, UpstreamConnection upstream, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        RecipientOutcome Retry(QueuedRecipient r, string error, bool unreachable) =>
            new(r.Id, RecipientState.Queued, error, now + Backoff.After(r.Attempts + 1, _options), unreachable);

        if (!_options.IsConfigured)
        {
            return due.Select(r => Retry(r, "no upstream is configured (Relay:Host)", unreachable: true)).ToList();
        }

        var client = upstream.Client;
        var fresh = client is null || !client.IsConnected;
        if (fresh)
        {
            upstream.Drop();
            client = new UpstreamClient { Timeout = (int)_options.Timeout.TotalMilliseconds };
            if (_options.TrustAnyCertificate)
            {
                client.ServerCertificateValidationCallback = static (_, _, _, _) => true;
            }

            upstream.Client = client;
        }

        client!.Prepare(due, message.EnvelopeId);
        var keep = false;
        try
        {
            await using var body = await _store.OpenBodyAsync(message.BodyId, cancellationToken).ConfigureAwait(false);
            using var mime = await MimeMessage.LoadAsync(body, persistent: true, cancellationToken).ConfigureAwait(false);
            var security = _options.Security switch
            {
                RelaySecurity.Implicit => SecureSocketOptions.SslOnConnect,
                RelaySecurity.StartTls => SecureSocketOptions.StartTls,
                _ => SecureSocketOptions.None,
            };
            if (fresh)
            {
                try
                {
                    await client.ConnectAsync(_options.Host, _options.Port, security, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is SocketException or IOException or SslHandshakeException or SmtpProtocolException or TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    if (!_upstreamDown)
                    {
                        Log.UpstreamUnreachable(_logger, _options.Host, _options.Port, due.Count, ex);
                    }

                    _upstreamDown = true;
                    _lastProbe = now;
                    return due.Select(r => Retry(r, "upstream unreachable: " + ex.Message, unreachable: true)).ToList();
                }

                _upstreamDown = false;
                if (!string.IsNullOrEmpty(_options.Username))
                {
                    await client.AuthenticateAsync(_options.Username, _options.Password ?? "", cancellationToken).ConfigureAwait(false);
                }
            }

            var sender = message.Sender.Length == 0 ? new MailboxAddress("", "") : MailboxAddress.Parse(message.Sender);
            var recipients = due.Select(r => MailboxAddress.Parse(r.Address)).ToList();
            await client.SendAsync(FormatOptions.Default, mime, sender, recipients, cancellationToken).ConfigureAwait(false);

            // The connection served this message completely: the worker's next message goes over it too.
            keep = true;
            return due.Select(r => client.Rejected.TryGetValue(r.Address, out var refusal)
                ? Refused(r, (int)refusal.StatusCode, refusal.Response)
                : new RecipientOutcome(r.Id, RecipientState.Delivered, null, now)).ToList();
        }
        catch (NoRecipientsAcceptedException)
        {
            await QuitQuietlyAsync(client).ConfigureAwait(false);
            return due.Select(r => client.Rejected.TryGetValue(r.Address, out var refusal)
                ? Refused(r, (int)refusal.StatusCode, refusal.Response)
                : Retry(r, "no recipient accepted", unreachable: false)).ToList();
        }
        catch (SmtpCommandException ex)
        {
            // MAIL FROM or DATA refused: the answer is the same for every recipient of the attempt.
            await QuitQuietlyAsync(client).ConfigureAwait(false);
            return due.Select(r => Refused(r, (int)ex.StatusCode, ex.Message)).ToList();
        }
        catch (Exception ex) when (ex is AuthenticationException or SmtpProtocolException or ParseException or IOException or SocketException or ServiceNotAuthenticatedException or InvalidOperationException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // A broken connection mid-transaction, or the upstream refusing our credentials: try again later.
            return due.Select(r => Retry(r, ex.Message, unreachable: ex is IOException or SocketException)).ToList();
        }
        finally
        {
            // After anything but a clean delivery the connection is not reused: its state is not known.
            if (!keep)
            {
                upstream.Drop();
            }
        }

        RecipientOutcome Refused(QueuedRecipient r, int code, string text)
        {
            var error = $"{code} {text.ReplaceLineEndings(" ")}";
            return code >= 500
                ? new RecipientOutcome(r.Id, RecipientState.Failed, error, now)
                : Retry(r, error, unreachable: false);
        }
    }

    /// <summary>A worker's connection to the upstream, kept across the messages it sends in one pass.</summary>
    private sealed class UpstreamConnection : IAsyncDisposable
    {
        public UpstreamClient? Client { get; set; }

        public void Drop()
        {
            Client?.Dispose();
            Client = null;
        }

        public async ValueTask DisposeAsync()
        {
            if (Client is { } client)
            {
                await QuitQuietlyAsync(client).ConfigureAwait(false);
                Drop();
            }
        }
    }

    private static async Task QuitQuietlyAsync(SmtpClient client)
    {
        try
        {
            if (client.IsConnected)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await client.DisconnectAsync(quit: true, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or SmtpProtocolException or SmtpCommandException or OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// A message nobody waits on any more: with failed recipients that asked for it (NOTIFY default or FAILURE,
    /// RFC 3461 §4.1) and a sender to tell, a DSN replaces it atomically; otherwise it is removed.
    /// </summary>
    private async Task FinishAsync(QueuedMessage message, CancellationToken cancellationToken)
    {
        var failed = message.Recipients
            .Where(r => r.State == RecipientState.Failed && (r.Notify == DsnNotify.Default || r.Notify.HasFlag(DsnNotify.Failure)))
            .ToList();
        if (failed.Count == 0 || message.Sender.Length == 0)
        {
            // RFC 5321 §4.5.5: nothing is ever sent back to the null reverse-path.
            await _store.DeleteQueuedAsync(message.Id, cancellationToken).ConfigureAwait(false);
            return;
        }

        var postmasterDomain = _delivery.Router.Domains.All.FirstOrDefault() ?? _hostName;
        MimeMessage report;
        await using (var original = await _store.OpenBodyAsync(message.BodyId, cancellationToken).ConfigureAwait(false))
        {
            report = DeliveryReport.Build(message, failed, original, _hostName, postmasterDomain, _time.GetUtcNow());
        }

        // The report is written once into the store's staging stream and delivered like any other local mail.
        var incoming = await _delivery.BeginAsync(null, cancellationToken).ConfigureAwait(false);
        await using (incoming.ConfigureAwait(false))
        {
            using (report)
            {
                await report.WriteToAsync(FormatOptions.Default, incoming.Stream, cancellationToken).ConfigureAwait(false);
            }

            if (_delivery.Router.IsLocal(message.Sender))
            {
                var target = await _delivery.Router.RouteAsync(message.Sender, cancellationToken).ConfigureAwait(false);
                if (target is null)
                {
                    Log.Finished(_logger, message.Id, message.Sender, "no such local account, report dropped");
                    await _store.DeleteQueuedAsync(message.Id, cancellationToken).ConfigureAwait(false);
                    return;
                }

                await _delivery.DeliverAsync(incoming, [target], null, completesQueueMessage: message.Id, cancellationToken: cancellationToken).ConfigureAwait(false);
                Log.Finished(_logger, message.Id, message.Sender, "delivered to the INBOX");
                return;
            }

            // An outside sender (a LAN device relaying): the report goes out through the queue, from the null sender.
            var envelope = new RelayEnvelope("", [new RelayRecipient(message.Sender)], _time.GetUtcNow() + _options.MaxQueueLifetime);
            await _delivery.DeliverAsync(incoming, [], envelope, completesQueueMessage: message.Id, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        _signal.Notify();
        Log.Finished(_logger, message.Id, message.Sender, "queued for the upstream");
    }
}
