using EdgeMail.Delivery;
using EdgeMail.Delivery.Routing;
using EdgeMail.Net;
using EdgeMail.Smtp.Inbound;
using EdgeMail.Smtp.Relay;
using EdgeMail.Store.Messages;
using EdgeMail.Testing;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Smtp.Tests.Support;

/// <summary>The real SMTP handler on the three endpoints of a <see cref="ServerFixture"/>, with an optional queue runner.</summary>
internal sealed class SmtpServer : IAsyncDisposable
{
    public const string Domain = "edgemail.local";

    /// <summary>A relay host name that never resolves (RFC 6761 §6.4).</summary>
    public const string UnusedUpstream = "upstream.invalid";
    public const string Password = "correct horse battery";

    private SmtpServer(ServerFixture fixture, SmtpOptions smtp, RelayOptions relay, RelayQueueSignal signal, TimeProvider time)
    {
        Fixture = fixture;
        Smtp = smtp;
        Relay = relay;
        Signal = signal;
        Time = time;
    }

    public ServerFixture Fixture { get; }

    public SmtpOptions Smtp { get; }

    public RelayOptions Relay { get; }

    public RelayQueueSignal Signal { get; }

    public TimeProvider Time { get; }

    public QueueRunner? Runner { get; private set; }

    /// <summary>Relay:MaxMessagesPerHour's counts, as the policy keeps them.</summary>
    public OutboundLimiter Limiter { get; private init; } = null!;

    public int Port => Fixture.Ports["smtp"];

    public int SubmissionPort => Fixture.Ports["submission"];

    public int TlsPort => Fixture.Ports["submissions"];

    public static async Task<SmtpServer> StartAsync(SmtpOptions? smtp = null, RelayOptions? relay = null, TimeProvider? time = null)
    {
        smtp ??= new SmtpOptions { HostName = "mx.test" };
        // An upstream is configured (never contacted unless a test starts the runner), so that mail to other
        // domains is queued; tests of a box without one pass their own RelayOptions.
        relay ??= new RelayOptions { Host = UnusedUpstream };
        time ??= TimeProvider.System;
        var signal = new RelayQueueSignal();
        OutboundLimiter? limiter = null;
        var fixture = await ServerFixture.StartAsync(
            s =>
            {
                var delivery = Delivery(s.Store, smtp);
                limiter = new OutboundLimiter(relay, s.Time, s.Logs.CreateLogger<OutboundLimiter>());
                var policy = new RelayPolicy(delivery, smtp, relay, limiter);
                var intake = new MailIntake(delivery, relay, signal, s.Time);
                var handler = new SmtpConnectionHandler(smtp, policy, intake, s.Authenticator, s.Time, s.Logs.CreateLogger<SmtpConnectionHandler>());
                return
                [
                    new FixtureEndpoint("smtp", TlsMode.None, handler),
                    new FixtureEndpoint("submission", TlsMode.None, handler),
                    new FixtureEndpoint("submissions", TlsMode.Implicit, handler),
                ];
            },
            time: time);
        return new SmtpServer(fixture, smtp, relay, signal, time) { Limiter = limiter! };
    }

    /// <summary>Local delivery as the host composes it: the test domain, and the SMTP keys for its limits.</summary>
    public static MailDelivery Delivery(EdgeMail.Store.MailStore store, SmtpOptions smtp) =>
        new(store, new LocalDomains([Domain]), new DeliveryOptions { MaxMessageBytes = smtp.MaxMessageBytes, MaxReceivedHeaders = smtp.MaxReceivedHeaders, PostmasterAccount = smtp.PostmasterAccount });

    /// <summary>Starts the queue runner as the host would (a hosted service).</summary>
    /// <summary>What the runner reports after each pass (deferred recipients, upstream unreachable).</summary>
    public RelayHealthSignal Health { get; } = new();

    public async Task<QueueRunner> StartRunnerAsync()
    {
        Runner = new QueueRunner(Fixture.Store, Relay, Smtp, Delivery(Fixture.Store, Smtp), Signal, Time, Fixture.Logs.CreateLogger<QueueRunner>(), Health);
        await Runner.StartAsync(CancellationToken.None);
        return Runner;
    }

    public Task AddUserAsync(string localPart) => Fixture.AddUserAsync($"{localPart}@{Domain}", Password);

    /// <summary>The messages in a user's INBOX with their bytes.</summary>
    public async Task<List<(MessageRecord Record, string Text)>> InboxAsync(string localPart) =>
        await Fixture.MessagesWithTextAsync((await Fixture.MailboxAsync($"{localPart}@{Domain}")).Id);

    public async ValueTask DisposeAsync()
    {
        if (Runner is not null)
        {
            await Runner.StopAsync(CancellationToken.None);
            Runner.Dispose();
        }

        await Fixture.DisposeAsync();
    }
}
