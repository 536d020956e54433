using EdgeMail.Imap;
using EdgeMail.Net;
using EdgeMail.Testing;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Imap.Tests;

/// <summary>A real IMAP server (plain with STARTTLS, and implicit TLS) on loopback, with one user.</summary>
public sealed class ImapServer : IAsyncLifetime
{
    private TimeProvider? _time;

    /// <summary>A server whose timers run on <paramref name="time"/> (a manual clock); call InitializeAsync.</summary>
    public static ImapServer WithClock(TimeProvider time) => new() { _time = time };

    public const string User = "ann@edgemail.local";
    public const string Password = "correct horse battery";

    public ServerFixture Server { get; private set; } = null!;

    public ImapOptions Options { get; } = new();

    public int Port => Server.Ports["imap"];

    public int TlsPort => Server.Ports["imaps"];

    public async Task InitializeAsync()
    {
        Server = await ServerFixture.StartAsync(services =>
        {
            var handler = new ImapConnectionHandler(services.Store, services.Authenticator, Options, services.Time, services.Logs.CreateLogger<ImapConnectionHandler>());
            return [new FixtureEndpoint("imap", TlsMode.None, handler), new FixtureEndpoint("imaps", TlsMode.Implicit, handler)];
        }, time: _time);
        await Server.AddUserAsync(User, Password);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>A MailKit client, connected and logged in on the plain port (loopback allows it).</summary>
    public async Task<ImapClient> ConnectAsync(bool login = true)
    {
        var client = new ImapClient { Timeout = 20_000 };
        await client.ConnectAsync("127.0.0.1", Port, SecureSocketOptions.None);
        if (login)
        {
            await client.AuthenticateAsync(User, Password);
        }

        return client;
    }
}
