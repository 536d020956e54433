using Microsoft.Extensions.Logging;

namespace EdgeMail.Smtp.Relay;

/// <summary>
/// Relay:MaxMessagesPerHour: how many messages for other domains one sender may hand to the relay queue in any hour
/// (a sliding window), so that a phone whose app password was stolen cannot burn the office's reputation at the
/// provider. The sender is the authenticated account, or the client's address for a trusted network's device that
/// does not log in. Counted in memory: a restart starts every window afresh. Mail to local addresses is never limited.
/// </summary>
public sealed partial class OutboundLimiter(RelayOptions options, TimeProvider time, ILogger<OutboundLimiter>? logger = null)
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<DateTimeOffset>> _sent = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _reported = new(StringComparer.OrdinalIgnoreCase);

    public int Limit => options.MaxMessagesPerHour;

    /// <summary>Whether <paramref name="sender"/> may queue one more message for other domains now; null when yes, else when it may again.</summary>
    public DateTimeOffset? RefusedUntil(string sender)
    {
        if (Limit <= 0)
        {
            return null;
        }

        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_sent.TryGetValue(sender, out var sent) || Prune(sent, now) < Limit)
            {
                _reported.Remove(sender);
                return null;
            }

            if (_reported.Add(sender) && logger is not null)
            {
                // Once per window that fills, not per refused RCPT: an attacker's retries do not flood the log.
                LimitReached(logger, sender, Limit);
            }

            return sent.Peek() + Window;
        }
    }

    /// <summary>One more message for other domains queued by <paramref name="sender"/>.</summary>
    public void Sent(string sender)
    {
        if (Limit <= 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_sent.TryGetValue(sender, out var sent))
            {
                _sent[sender] = sent = new Queue<DateTimeOffset>();
            }

            Prune(sent, now);
            sent.Enqueue(now);
        }
    }

    /// <summary>Each sender with messages in the last hour: how many, and whether it is held back now (for status).</summary>
    public IReadOnlyList<OutboundUsage> Usage()
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            foreach (var (sender, sent) in _sent.ToList())
            {
                if (Prune(sent, now) == 0)
                {
                    _sent.Remove(sender);
                    _reported.Remove(sender);
                }
            }

            return _sent.OrderBy(s => s.Key, StringComparer.OrdinalIgnoreCase)
                .Select(s => new OutboundUsage(s.Key, s.Value.Count, Limit > 0 && s.Value.Count >= Limit))
                .ToList();
        }
    }

    private int Prune(Queue<DateTimeOffset> sent, DateTimeOffset now)
    {
        while (sent.Count > 0 && now - sent.Peek() >= Window)
        {
            sent.Dequeue();
        }

        return sent.Count;
    }

    [LoggerMessage(EventId = 320, Level = LogLevel.Warning, Message = "{Sender} has sent {Limit} messages to other domains within an hour (Relay:MaxMessagesPerHour): more are refused 451 4.7.1 until the hour has passed")]
    private static partial void LimitReached(ILogger logger, string sender, int limit);
}

/// <summary>A sender's messages for other domains in the last hour, and whether Relay:MaxMessagesPerHour holds it back.</summary>
public sealed record OutboundUsage(string Sender, int LastHour, bool Limited);
