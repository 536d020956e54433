using EdgeMail.Auth.Throttling;
using EdgeMail.Net;
using EdgeMail.Store;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Testing;

/// <summary>Builds one listener; a test supplies its own to pass what the public constructor does not take (a counting pool).</summary>
public delegate MailListenerService ListenerFactory(
    ListenerEndpoint endpoint,
    ConnectionLimiter limiter,
    NetOptions network,
    ILogger<MailListenerService> logger,
    CertificateProvider? certificate,
    TimeProvider time);

/// <summary>What a <see cref="ServerFixture"/> is built from; every part has the host's default.</summary>
public sealed class ServerFixtureOptions
{
    public NetOptions Network { get; init; } = new();

    public LoginThrottleOptions Throttle { get; init; } = new();

    /// <summary>Auth:MaxFailuresPerConnection.</summary>
    public int MaxFailuresPerConnection { get; init; } = new EdgeMail.Auth.AuthOptions().MaxFailuresPerConnection;

    /// <summary>The store's options; its Path is set to the fixture's data folder.</summary>
    public StoreOptions Storage { get; init; } = new();

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Shared by every endpoint; by default one built from <see cref="Network"/>.</summary>
    public ConnectionLimiter? Limiter { get; init; }

    /// <summary>The certificate the endpoints serve; by default one generated in the data folder.</summary>
    public CertificateProvider? Certificate { get; init; }

    /// <summary>No certificate at all, for the listener's own tests of that case.</summary>
    public bool WithoutCertificate { get; init; }

    /// <summary>By default MailListenerService's public constructor.</summary>
    public ListenerFactory? Listener { get; init; }

    /// <summary>How long a listener may take to bind or to stop before the test fails.</summary>
    public TimeSpan StartStopTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
