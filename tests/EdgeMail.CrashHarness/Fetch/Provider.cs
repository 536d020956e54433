using System.Globalization;
using EdgeMail.Testing;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;

namespace EdgeMail.CrashHarness.Fetch;

/// <summary>
/// The provider the box fetches from: a second `edgemail serve` with bob@provider.test, IMAPS and POP3S for the box
/// (its certificate names 127.0.0.1, its CA is the box's trust store) and plain IMAP for the harness, which fills
/// the mailbox and looks at what is left there. It is never killed.
/// </summary>
internal sealed class Provider
{
    public const string Domain = "provider.test";
    public const string User = "bob@" + Domain;
    public const string Password = "provider-password-1";

    private readonly ServeProcess _serve;
    private readonly int _imapPort;

    private Provider(ServeProcess serve, string data, int imapPort, int imapsPort, int pop3sPort)
    {
        _serve = serve;
        Data = data;
        _imapPort = imapPort;
        ImapsPort = imapsPort;
        Pop3sPort = pop3sPort;
    }

    public string Data { get; }

    public int ImapsPort { get; }

    public int Pop3sPort { get; }

    /// <summary>The CA that issued the provider's certificate: SSL_CERT_FILE for the box.</summary>
    public string AuthorityFile => Path.Combine(Data, "tls", "ca.crt.pem");

    public static async Task<Provider> StartAsync(string program, string data)
    {
        Directory.CreateDirectory(data);
        var domains = "--Domains=" + Domain;
        var (exit, _, error) = await EdgeMailProcess.RunProgramAsync(program, ["user", "add", User, "--password-stdin", "--data", data, domains], Password + "\n").ConfigureAwait(false);
        if (exit != 0)
        {
            throw new InvalidOperationException($"edgemail user add {User} failed (exit {exit}): {error.Trim()}");
        }

        var imap = EdgeMailProcess.FreePort();
        var imaps = EdgeMailProcess.FreePort();
        var pop3s = EdgeMailProcess.FreePort();
        var args = ServeProcess.OnlyArguments(data, ("Imap:Port", imap), ("Imap:TlsPort", imaps), ("Pop3:TlsPort", pop3s));
        args.Add(domains);
        var serve = await ServeProcess.StartAsync(EdgeMailProcess.StartInfoFor(program, args), TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        return new Provider(serve, data, imap, imaps, pop3s);
    }

    /// <summary>Empties the provider's INBOX and fills it with <paramref name="messages"/>; what it now serves, by token.</summary>
    public async Task<Dictionary<string, Fingerprint>> FillAsync(IReadOnlyList<MimeMessage> messages, CancellationToken cancellationToken)
    {
        using var client = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadWrite, cancellationToken).ConfigureAwait(false);
        if (inbox.Count > 0)
        {
            await inbox.AddFlagsAsync(UniqueIdRange.All, MessageFlags.Deleted, silent: true, cancellationToken).ConfigureAwait(false);
            await inbox.ExpungeAsync(cancellationToken).ConfigureAwait(false);
        }

        const int Chunk = 50;
        for (var start = 0; start < messages.Count; start += Chunk)
        {
            var requests = messages.Skip(start).Take(Chunk).Select(m => (IAppendRequest)new AppendRequest(m, MessageFlags.None)).ToList();
            await inbox.AppendAsync(requests, cancellationToken).ConfigureAwait(false);
        }

        // The bytes the provider serves are what the box must end up with (below its Received line).
        var served = new Dictionary<string, Fingerprint>(StringComparer.Ordinal);
        await inbox.CheckAsync(cancellationToken).ConfigureAwait(false);
        if (inbox.Count > 0)
        {
            foreach (var summary in await inbox.FetchAsync(0, -1, MessageSummaryItems.UniqueId, cancellationToken).ConfigureAwait(false))
            {
                using var stream = await inbox.GetStreamAsync(summary.UniqueId, cancellationToken).ConfigureAwait(false);
                using var copy = new MemoryStream();
                await stream.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
                var bytes = copy.GetBuffer().AsSpan(0, (int)copy.Length);
                var token = CrashMail.TokenOf(bytes) ?? throw new InvalidOperationException($"the provider's UID {summary.UniqueId.Id} has no token");
                served[token] = Fingerprint.Of(bytes);
            }
        }

        await client.DisconnectAsync(true, cancellationToken).ConfigureAwait(false);
        if (served.Count != messages.Count)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"the provider holds {served.Count} messages after appending {messages.Count}"));
        }

        return served;
    }

    /// <summary>
    /// The tokens of the messages still in the provider's INBOX; one marked \Deleted by an IMAP delete that a kill cut
    /// off before its EXPUNGE is still there.
    /// </summary>
    public async Task<HashSet<string>> TokensAsync(CancellationToken cancellationToken)
    {
        using var client = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadOnly, cancellationToken).ConfigureAwait(false);
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        if (inbox.Count > 0)
        {
            var request = new FetchRequest(MessageSummaryItems.UniqueId) { Headers = new HeaderSet([CrashMail.TokenHeader]) };
            foreach (var summary in await inbox.FetchAsync(0, -1, request, cancellationToken).ConfigureAwait(false))
            {
                tokens.Add(summary.Headers?[CrashMail.TokenHeader]?.Trim() ?? $"(UID {summary.UniqueId.Id} without a token)");
            }
        }

        await client.DisconnectAsync(true, cancellationToken).ConfigureAwait(false);
        return tokens;
    }

    private async Task<ImapClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var client = new ImapClient();
        try
        {
            await client.ConnectAsync("127.0.0.1", _imapPort, SecureSocketOptions.None, cancellationToken).ConfigureAwait(false);
            await client.AuthenticateAsync(User, Password, cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public async Task StopAsync()
    {
        await _serve.StopAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        _serve.Process.Dispose();
    }

    public void KillQuietly()
    {
        try
        {
            _serve.Process.Kill();
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }
}
