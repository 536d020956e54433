using EdgeMail.Benchmarks.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using EdgeMail.Benchmarks.Interop;
using EdgeMail.Benchmarks.Output;
using EdgeMail.Testing;

namespace EdgeMail.Benchmarks.Pop3;

/// <summary>
/// Debian's Dovecot POP3 (apt package dovecot-pop3d) as the reference: a minimal dovecot.conf of its own in
/// a temporary folder (POP3 only on 127.0.0.1, no TLS, plaintext login allowed, one user in a passwd-file,
/// a static userdb), started with `dovecot -F -c`, and a Maildir written directly, as an LDA delivers:
/// files in new/ with LF line ends, named with S= (file size) and W= (size with CRLF), which Dovecot reads
/// instead of counting. The mail processes run as nobody, since Dovecot refuses uid 0 (first_valid_uid).
/// </summary>
internal sealed class DovecotPop3Server : IPop3Server
{
    public const string Package = "dovecot-pop3d";
    private const int MailUid = Daemon.MailUid;
    private const int MailGid = Daemon.MailGid;

    private readonly DovecotProcess _dovecot;

    private DovecotPop3Server(DovecotProcess dovecot, int port)
    {
        _dovecot = dovecot;
        Port = port;
    }

    public string Name => "Dovecot";

    public int Port { get; }

    public string User => "bench";

    public string Password => "pop3-bench-password";

    public int ProcessId => _dovecot.ProcessId;

    public static string? FindBinary() =>
        File.Exists("/usr/lib/dovecot/pop3") && File.Exists("/usr/sbin/dovecot") ? "/usr/sbin/dovecot" : null;

    /// <summary>The version line of `dovecot --version`, e.g. "2.3.19.1 (9b53102964)".</summary>
    public static string Version()
    {
        using var process = Process.Start(new ProcessStartInfo("/usr/sbin/dovecot", ["--version"]) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var version = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return version;
    }

    public static async Task<DovecotPop3Server> StartAsync(string folder, IReadOnlyList<byte[]> messages)
    {
        var home = Path.Combine(folder, "home");
        Report.Progress($"pop3: writing {messages.Count} Maildir files for Dovecot...");
        WriteMaildir(Path.Combine(home, "Maildir"), messages);
        Daemon.Chown(home);

        var port = EdgeMailProcess.FreePort();
        var users = Path.Combine(folder, "users");
        await File.WriteAllTextAsync(users, "bench:{PLAIN}pop3-bench-password::::::\n");
        var config = Path.Combine(folder, "dovecot.conf");
        var log = Path.Combine(folder, "dovecot.log");
        await File.WriteAllTextAsync(config, Config(folder, home, users, log, port));

        return new DovecotPop3Server(await DovecotProcess.StartAsync(config, log, port), port);
    }

    /// <summary>The whole configuration: nothing from /etc/dovecot is read, so the system's own instance is untouched.</summary>
    public static string Config(string folder, string home, string users, string log, int port) => $$"""
        # Written by EdgeMail.Benchmarks (pop3): POP3 only, on 127.0.0.1:{{port}}, for one user.
        instance_name = edgemail-pop3bench
        base_dir = {{Path.Combine(folder, "run")}}
        state_dir = {{Path.Combine(folder, "state")}}
        log_path = {{log}}
        protocols = pop3
        listen = 127.0.0.1
        ssl = no
        disable_plaintext_auth = no
        auth_mechanisms = plain
        passdb {
          driver = passwd-file
          args = scheme=PLAIN {{users}}
        }
        userdb {
          driver = static
          args = uid={{MailUid}} gid={{MailGid}} home={{home}}
        }
        mail_location = maildir:~/Maildir
        service pop3-login {
          inet_listener pop3 {
            address = 127.0.0.1
            port = {{port}}
          }
          inet_listener pop3s {
            port = 0
          }
        }
        """;

    public ValueTask DisposeAsync() => _dovecot.DisposeAsync();

    private static void WriteMaildir(string maildir, IReadOnlyList<byte[]> messages)
    {
        foreach (var sub in (string[])["cur", "new", "tmp"])
        {
            Directory.CreateDirectory(Path.Combine(maildir, sub));
        }

        // Maildir names: <seconds>.M<microseconds>P<pid>.<host>,S=<size>,W=<virtual size> (Dovecot's maildir_filename_generate).
        var seconds = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - messages.Count;
        for (var i = 0; i < messages.Count; i++)
        {
            var lf = Pop3Mailbox.WithLineFeeds(messages[i]);
            var name = string.Create(CultureInfo.InvariantCulture, $"{seconds + i}.M{i}P{Environment.ProcessId}.pop3bench,S={lf.Length},W={messages[i].Length}");
            File.WriteAllBytes(Path.Combine(maildir, "new", name), lf);
        }
    }
}
