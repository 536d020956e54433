using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using EdgeMail.Testing;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;

namespace EdgeMail.Fetch.Tests.Support;

/// <summary>
/// Debian's Dovecot (dovecot-imapd, dovecot-pop3d) as the provider: a private instance in a temporary folder with
/// its own configuration (/etc/dovecot is not read), listening on 127.0.0.1 with IMAP, IMAPS, POP3 and POP3S, one
/// user with a Maildir. Dovecot's master runs as root and serves the mail as nobody, so the tests need root (CI is).
/// </summary>
internal sealed class DovecotProvider : IAsyncDisposable
{
    public const string User = "bob@provider.test";
    public const string Password = "dovecot secret 5";

    private readonly TempFolder _dir = new();
    private Process? _master;

    public int ImapPort { get; } = EdgeMailProcess.FreePort();

    public int ImapsPort { get; } = EdgeMailProcess.FreePort();

    public int Pop3Port { get; } = EdgeMailProcess.FreePort();

    public int Pop3sPort { get; } = EdgeMailProcess.FreePort();

    public static async Task<DovecotProvider> StartAsync()
    {
        var dovecot = new[] { "/usr/sbin/dovecot", "/usr/local/sbin/dovecot" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("Dovecot is not installed: apt-get install dovecot-imapd dovecot-pop3d (.ci/run does)");
        var provider = new DovecotProvider();
        await provider.StartAsync(dovecot);
        return provider;
    }

    private async Task StartAsync(string dovecot)
    {
        var dir = _dir.Path;
        var home = Path.Combine(dir, "home");
        Directory.CreateDirectory(home);
        Directory.CreateDirectory(Path.Combine(dir, "run"));
        Directory.CreateDirectory(Path.Combine(dir, "state"));
        WriteCertificate(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "users"), $"{User}:{{PLAIN}}{Password}:65534:65534::{home}::\n");
        await File.WriteAllTextAsync(Path.Combine(dir, "dovecot.conf"), $$"""
            # A private Dovecot for EdgeMail's fetch tests (tests/EdgeMail.Fetch.Tests/Support/DovecotProvider.cs).
            base_dir = {{dir}}/run
            state_dir = {{dir}}/state
            instance_name = edgemail-fetch-{{ImapPort}}
            listen = 127.0.0.1
            protocols = imap pop3
            log_path = {{dir}}/dovecot.log
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            ssl = yes
            ssl_cert = <{{dir}}/cert.pem
            ssl_key = <{{dir}}/key.pem
            passdb {
              driver = passwd-file
              args = scheme=PLAIN {{dir}}/users
            }
            userdb {
              driver = passwd-file
              args = {{dir}}/users
            }
            mail_location = maildir:~/Maildir
            namespace inbox {
              inbox = yes
              separator = /
            }
            first_valid_uid = 100
            pop3_uidl_format = %08Xu%08Xv
            service imap-login {
              inet_listener imap {
                port = {{ImapPort}}
              }
              inet_listener imaps {
                port = {{ImapsPort}}
              }
            }
            service pop3-login {
              inet_listener pop3 {
                port = {{Pop3Port}}
              }
              inet_listener pop3s {
                port = {{Pop3sPort}}
              }
            }
            """);
        Chown(home);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Dovecot runs on Linux");
        }

        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        var info = new ProcessStartInfo(dovecot) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-F");
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(Path.Combine(dir, "dovecot.conf"));
        _master = Process.Start(info)!;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        foreach (var port in new[] { ImapPort, ImapsPort, Pop3Port, Pop3sPort })
        {
            while (true)
            {
                if (_master.HasExited)
                {
                    throw new InvalidOperationException($"Dovecot exited ({_master.ExitCode}): {await _master.StandardError.ReadToEndAsync()} {Log}");
                }

                try
                {
                    using var probe = new TcpClient();
                    await probe.ConnectAsync("127.0.0.1", port);
                    break;
                }
                catch (SocketException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(50);
                }
            }
        }
    }

    public string Log => File.Exists(Path.Combine(_dir.Path, "dovecot.log")) ? File.ReadAllText(Path.Combine(_dir.Path, "dovecot.log")) : "";

    /// <summary>A MailKit client logged in over plain IMAP (Dovecot allows it here: disable_plaintext_auth = no).</summary>
    public async Task<ImapClient> ConnectAsync()
    {
        var client = new ImapClient { Timeout = 20_000 };
        await client.ConnectAsync("127.0.0.1", ImapPort, SecureSocketOptions.None);
        await client.AuthenticateAsync(User, Password);
        return client;
    }

    /// <summary>APPENDs messages with these tokens as subjects to a folder (made when missing).</summary>
    public async Task AppendAsync(string folder, params string[] tokens)
    {
        using var client = await ConnectAsync();
        var target = folder == "INBOX" ? client.Inbox : await GetOrCreateAsync(client, folder);
        foreach (var token in tokens)
        {
            await target.AppendAsync(new MailKit.AppendRequest(MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(Provider.Message(token))))));
        }

        await client.DisconnectAsync(true);
    }

    /// <summary>The subjects of a folder's messages, in UID order.</summary>
    public async Task<List<string>> TokensAsync(string folder)
    {
        using var client = await ConnectAsync();
        var target = folder == "INBOX" ? client.Inbox : await client.GetFolderAsync(folder);
        await target.OpenAsync(MailKit.FolderAccess.ReadOnly);
        var tokens = new List<string>();
        if (target.Count > 0)
        {
            tokens.AddRange((await target.FetchAsync(0, -1, new MailKit.FetchRequest(MailKit.MessageSummaryItems.Envelope))).Select(s => s.Envelope?.Subject ?? ""));
        }

        await client.DisconnectAsync(true);
        return tokens;
    }

    private static async Task<MailKit.IMailFolder> GetOrCreateAsync(ImapClient client, string folder)
    {
        var root = client.GetFolder(client.PersonalNamespaces[0]);
        try
        {
            return await client.GetFolderAsync(folder);
        }
        catch (MailKit.FolderNotFoundException)
        {
            return await root.CreateAsync(folder, true) ?? throw new InvalidOperationException($"Dovecot did not make {folder}");
        }
    }

    private static void WriteCertificate(string dir)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(2));
        File.WriteAllText(Path.Combine(dir, "cert.pem"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(dir, "key.pem"), key.ExportPkcs8PrivateKeyPem());
    }

    private static void Chown(string path)
    {
        var chown = Process.Start("chown", ["-R", "65534:65534", path])!;
        chown.WaitForExit();
        if (chown.ExitCode != 0)
        {
            throw new InvalidOperationException("chown of the Dovecot home failed: the Dovecot tests need root");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_master is { HasExited: false })
        {
            _master.Kill(entireProcessTree: true);
            await _master.WaitForExitAsync();
        }

        _master?.Dispose();
        _dir.Dispose();
    }
}
