using System.Text;
using EdgeMail.Auth.Throttling;
using EdgeMail.Net;
using EdgeMail.Store;
using EdgeMail.Store.Messages;
using EdgeMail.Testing;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Pop3.Tests.Support;

/// <summary>A real server with "pop3" (STLS) and "pop3s" (implicit TLS) endpoints, and one user.</summary>
internal sealed class Pop3Server : IAsyncDisposable
{
    public const string User = "alice@example.org";
    public const string Password = "correct horse battery";

    private Pop3Server(ServerFixture fixture, Pop3Maildrops maildrops, long inboxId, long accountId)
    {
        Maildrops = maildrops;
        Fixture = fixture;
        InboxId = inboxId;
        AccountId = accountId;
    }

    public ServerFixture Fixture { get; }

    public MailStore Store => Fixture.Store;

    public long InboxId { get; }

    public long AccountId { get; }

    /// <summary>The locks and sizes the server's sessions share; a second handler on the same store takes these too.</summary>
    public Pop3Maildrops Maildrops { get; }

    public int Port => Fixture.Ports["pop3"];

    public int TlsPort => Fixture.Ports["pop3s"];

    public static async Task<Pop3Server> StartAsync(Pop3Options? options = null, TimeProvider? time = null, LoginThrottleOptions? throttle = null)
    {
        options ??= new Pop3Options();
        var maildrops = new Pop3Maildrops();
        var fixture = await ServerFixture.StartAsync(
            services =>
            {
                var handler = new Pop3ConnectionHandler(services.Store, maildrops, services.Authenticator, options, services.Time, services.Logs.CreateLogger<Pop3ConnectionHandler>());
                return [new FixtureEndpoint("pop3", TlsMode.None, handler), new FixtureEndpoint("pop3s", TlsMode.Implicit, handler)];
            },
            throttle: throttle,
            time: time);
        var account = await fixture.AddUserAsync(User, Password);
        var inbox = await fixture.Store.GetMailboxAsync(account.Id, "INBOX");
        return new Pop3Server(fixture, maildrops, inbox!.Id, account.Id);
    }

    /// <summary>Delivers a message to the INBOX as SMTP would, bytes as given.</summary>
    public Task<AppendResult> DeliverAsync(string message) => DeliverAsync(Encoding.UTF8.GetBytes(message));

    public Task<AppendResult> DeliverAsync(byte[] message) => Fixture.DeliverAsync(InboxId, message);

    public Task<List<MessageRecord>> InboxAsync() => Fixture.MessagesAsync(InboxId);

    public static string Message(string subject, string body = "Hello.\r\n") =>
        $"From: bob@example.org\r\nTo: alice@example.org\r\nSubject: {subject}\r\nMessage-ID: <{Guid.NewGuid():N}@example.org>\r\n\r\n{body}";

    public ValueTask DisposeAsync() => Fixture.DisposeAsync();
}
