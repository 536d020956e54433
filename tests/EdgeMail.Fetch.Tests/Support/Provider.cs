using System.Text;
using EdgeMail.Imap;
using EdgeMail.Net;
using EdgeMail.Pop3;
using EdgeMail.Store;
using EdgeMail.Store.Messages;
using EdgeMail.Testing;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Fetch.Tests.Support;

/// <summary>
/// The provider the box fetches from: EdgeMail's own IMAP (plain with STARTTLS, and implicit TLS) and POP3 (STLS,
/// and implicit TLS) servers on loopback over one store, with the user bob@provider.test.
/// </summary>
internal sealed class Provider : IAsyncDisposable
{
    public const string User = "bob@provider.test";
    public const string Password = "provider secret 42";

    private Provider(ServerFixture fixture, long accountId)
    {
        Fixture = fixture;
        AccountId = accountId;
    }

    public ServerFixture Fixture { get; }

    public MailStore Store => Fixture.Store;

    public long AccountId { get; }

    public int ImapPort => Fixture.Ports["imap"];

    public int ImapsPort => Fixture.Ports["imaps"];

    public int Pop3Port => Fixture.Ports["pop3"];

    public int Pop3sPort => Fixture.Ports["pop3s"];

    /// <summary>The provider's CA certificate file (PEM), which the box does not trust.</summary>
    public string CaPath => Path.Combine(Fixture.Data.Path, "tls", "ca.crt.pem");

    public static async Task<Provider> StartAsync()
    {
        var maildrops = new Pop3Maildrops();
        var fixture = await ServerFixture.StartAsync(services =>
        {
            var imap = new ImapConnectionHandler(services.Store, services.Authenticator, new ImapOptions(), services.Time, services.Logs.CreateLogger<ImapConnectionHandler>());
            var pop3 = new Pop3ConnectionHandler(services.Store, maildrops, services.Authenticator, new Pop3Options(), services.Time, services.Logs.CreateLogger<Pop3ConnectionHandler>());
            return
            [
                new FixtureEndpoint("imap", TlsMode.None, imap), new FixtureEndpoint("imaps", TlsMode.Implicit, imap),
                new FixtureEndpoint("pop3", TlsMode.None, pop3), new FixtureEndpoint("pop3s", TlsMode.Implicit, pop3),
            ];
        });
        var account = await fixture.AddUserAsync(User, Password);
        return new Provider(fixture, account.Id);
    }

    /// <summary>A message with a unique token in its subject and body, as the tests find it again.</summary>
    public static string Message(string token, int bodyBytes = 200) =>
        $"From: sender@example.org\r\nTo: {User}\r\nSubject: {token}\r\nMessage-ID: <{token}@example.org>\r\nDate: Thu, 03 Dec 2026 10:00:00 +0000\r\n\r\n{token}\r\n{new string('x', bodyBytes)}\r\n";

    /// <summary>Delivers messages into a folder (made when missing), with a fixed INTERNALDATE per token.</summary>
    public async Task DeliverAsync(string folder, params string[] tokens)
    {
        var mailbox = await Store.GetMailboxAsync(AccountId, folder) ?? await Store.CreateMailboxAsync(AccountId, folder);
        foreach (var token in tokens)
        {
            var date = new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero).AddMinutes(token.GetHashCode(StringComparison.Ordinal) & 0xffff);
            await Store.AppendAsync(mailbox.Id, new AppendRequest(new MemoryStream(Encoding.UTF8.GetBytes(Message(token))), MessageFlags.None, [], date));
        }
    }

    /// <summary>The tokens (subjects) of a folder's messages, in UID order.</summary>
    public async Task<List<string>> TokensAsync(string folder)
    {
        var mailbox = await Store.GetMailboxAsync(AccountId, folder);
        if (mailbox is null)
        {
            return [];
        }

        return (await Fixture.MessagesWithTextAsync(mailbox.Id)).Select(m => Box.SubjectOf(m.Text)).ToList();
    }

    /// <summary>A MailKit client logged in on the plain port (loopback allows it).</summary>
    public async Task<ImapClient> ConnectAsync()
    {
        var client = new ImapClient { Timeout = 20_000 };
        await client.ConnectAsync("127.0.0.1", ImapPort, SecureSocketOptions.None);
        await client.AuthenticateAsync(User, Password);
        return client;
    }

    public ValueTask DisposeAsync() => Fixture.DisposeAsync();
}
