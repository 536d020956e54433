using System.Diagnostics;
using System.Net;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Net.Smtp;
using MailKit.Search;
using MailKit.Security;
using MimeKit;

namespace EdgeMail.Testing.Hostile;

/// <summary>
/// The user whose mail must keep working while strangers attack: MailKit's IMAP client logged in with INBOX open, its
/// SMTP client authenticated on submission, its POP3 client logged in, all from one loopback address of their own
/// (the user's device). Each step checks its answer, so a step that "works" returned the right thing: the FETCH
/// gets the message seeded at connect, the send is accepted, STAT answers a count.
/// </summary>
public sealed class WellBehavedClient : IAsyncDisposable
{
    /// <summary>The device's address; attackers use others.</summary>
    public const string DefaultAddress = "127.0.0.2";

    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);

    private readonly ImapClient _imap;
    private readonly SmtpClient _smtp;
    private readonly Pop3Client _pop3;
    private readonly string _subject;
    private IMailFolder _inbox = null!;
    private UniqueId _known;
    private int _sent;

    private WellBehavedClient(string from)
    {
        var local = new IPEndPoint(IPAddress.Parse(from), 0);
        var timeout = (int)StepTimeout.TotalMilliseconds;
        _imap = new ImapClient { LocalEndPoint = local, Timeout = timeout };
        _smtp = new SmtpClient { LocalEndPoint = local, Timeout = timeout };
        _pop3 = new Pop3Client { LocalEndPoint = local, Timeout = timeout };
        _subject = "known message " + Guid.NewGuid().ToString("N");
    }

    /// <summary>Rounds done so far (by <see cref="RoundAsync"/>), for the benchmark's and the tests' counts.</summary>
    public int Rounds { get; private set; }

    /// <summary>Connects and logs in everything, and seeds the message that FETCH reads back.</summary>
    public static async Task<WellBehavedClient> ConnectAsync(HostileServer server, string from = DefaultAddress, string user = HostileServer.Alice, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        var client = new WellBehavedClient(from);
        try
        {
            await client._smtp.ConnectAsync("127.0.0.1", server.Submission, SecureSocketOptions.None, cancellationToken).ConfigureAwait(false);
            await client._smtp.AuthenticateAsync(user, HostileServer.Password, cancellationToken).ConfigureAwait(false);
            await client._smtp.SendAsync(Message(user, client._subject), cancellationToken).ConfigureAwait(false);

            await client._imap.ConnectAsync("127.0.0.1", server.Imap, SecureSocketOptions.None, cancellationToken).ConfigureAwait(false);
            await client._imap.AuthenticateAsync(user, HostileServer.Password, cancellationToken).ConfigureAwait(false);
            client._inbox = client._imap.Inbox;
            await client._inbox.OpenAsync(FolderAccess.ReadWrite, cancellationToken).ConfigureAwait(false);
            var found = await client._inbox.SearchAsync(SearchQuery.SubjectContains(client._subject), cancellationToken).ConfigureAwait(false);
            client._known = found.Count == 1 ? found[0] : throw new InvalidOperationException($"the seeded message was found {found.Count} times");

            await client._pop3.ConnectAsync("127.0.0.1", server.Pop3, SecureSocketOptions.None, cancellationToken).ConfigureAwait(false);
            await client._pop3.AuthenticateAsync(user, HostileServer.Password, cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task<TimeSpan> NoopAsync(CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        await _imap.NoOpAsync(cancellationToken).ConfigureAwait(false);
        return watch.Elapsed;
    }

    /// <summary>FETCH of the whole seeded message (UID FETCH BODY.PEEK[]), checked by its subject.</summary>
    public async Task<TimeSpan> FetchAsync(CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        using var message = await _inbox.GetMessageAsync(_known, cancellationToken).ConfigureAwait(false);
        var elapsed = watch.Elapsed;
        if (message.Subject != _subject)
        {
            throw new InvalidOperationException($"FETCH returned another message: {message.Subject}");
        }

        return elapsed;
    }

    /// <summary>One message over the open submission connection, to the user's own address.</summary>
    public async Task<TimeSpan> SendAsync(CancellationToken cancellationToken = default)
    {
        var message = Message(HostileServer.Alice, "round " + ++_sent);
        var watch = Stopwatch.StartNew();
        await _smtp.SendAsync(message, cancellationToken).ConfigureAwait(false);
        return watch.Elapsed;
    }

    /// <summary>POP3 STAT (RFC 1939 §5).</summary>
    public async Task<TimeSpan> StatAsync(CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        var count = await _pop3.GetMessageCountAsync(cancellationToken).ConfigureAwait(false);
        var elapsed = watch.Elapsed;
        if (count < 1)
        {
            throw new InvalidOperationException($"STAT counted {count} messages, though the seeded one is there");
        }

        return elapsed;
    }

    public async Task<ClientRound> RoundAsync(CancellationToken cancellationToken = default)
    {
        var round = new ClientRound(
            await NoopAsync(cancellationToken).ConfigureAwait(false),
            await FetchAsync(cancellationToken).ConfigureAwait(false),
            await SendAsync(cancellationToken).ConfigureAwait(false),
            await StatAsync(cancellationToken).ConfigureAwait(false));
        Rounds++;
        return round;
    }

    /// <summary>
    /// Works round after round until <paramref name="attack"/> ends (at least one round, and one more after it), so
    /// that every step is answered while the attack is on; returns the rounds. A step that fails throws.
    /// </summary>
    public async Task<IReadOnlyList<ClientRound>> WorkWhileAsync(Task attack, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attack);
        var rounds = new List<ClientRound>();
        do
        {
            rounds.Add(await RoundAsync(cancellationToken).ConfigureAwait(false));
        }
        while (!attack.IsCompleted);

        await attack.ConfigureAwait(false);
        rounds.Add(await RoundAsync(cancellationToken).ConfigureAwait(false));
        return rounds;
    }

    private static MimeMessage Message(string to, string subject)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(to));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "a message from the user's own device\r\n" };
        return message;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in new IMailService[] { _imap, _smtp, _pop3 })
        {
            try
            {
                if (service.IsConnected)
                {
                    await service.DisconnectAsync(true).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is IOException or ProtocolException or OperationCanceledException or ServiceNotConnectedException)
            {
            }

            service.Dispose();
        }
    }
}
