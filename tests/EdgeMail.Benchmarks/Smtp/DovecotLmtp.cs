using EdgeMail.Benchmarks.Common;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using EdgeMail.Benchmarks.Interop;

namespace EdgeMail.Benchmarks.Smtp;

/// <summary>
/// A private Dovecot (Debian's dovecot-core and dovecot-lmtpd) serving only LMTP on 127.0.0.1, delivering every
/// recipient into ~/Maildir of a home under the benchmark's folder, as nobody (Dovecot refuses uid 0). Its own
/// base_dir and instance name, so that neither the system's Dovecot nor another benchmark's is touched.
/// mail_fsync = optimized (the default, stated) fsyncs each saved message before LMTP's 250.
/// </summary>
internal sealed class DovecotLmtp : IAsyncDisposable
{
    public const string Packages = "dovecot-core dovecot-lmtpd";
    private const int MailUid = Daemon.MailUid;
    private const int MailGid = Daemon.MailGid;

    private readonly DovecotProcess _dovecot;

    private DovecotLmtp(DovecotProcess dovecot, int port, string maildir)
    {
        _dovecot = dovecot;
        Port = port;
        Maildir = maildir;
    }

    public int Port { get; }

    public int ProcessId => _dovecot.ProcessId;

    /// <summary>ann's Maildir, where delivered messages appear in new/.</summary>
    public string Maildir { get; }

    public string Command => _dovecot.Command;

    public static bool Installed => File.Exists("/usr/sbin/dovecot") && File.Exists("/usr/lib/dovecot/lmtp");

    public static async Task<DovecotLmtp> StartAsync(string folder, int port)
    {
        Directory.CreateDirectory(folder);
        var home = Path.Combine(folder, "home");
        Directory.CreateDirectory(home);
        Daemon.Chown(home);
        var users = Path.Combine(folder, "users");
        await File.WriteAllTextAsync(users, "ann:{PLAIN}unused-password::::::\n");
        var config = Path.Combine(folder, "dovecot.conf");
        var log = Path.Combine(folder, "dovecot.log");
        await File.WriteAllTextAsync(config, Config(folder, home, users, log, port));

        return new DovecotLmtp(await DovecotProcess.StartAsync(config, log, port), port, Path.Combine(home, "ann", "Maildir"));
    }

    /// <summary>The whole configuration: nothing from /etc/dovecot is read.</summary>
    public static string Config(string folder, string home, string users, string log, int port) => $$"""
        # Written by EdgeMail.Benchmarks (smtp): LMTP only, on 127.0.0.1:{{port}}, every user into {{home}}/<user>/Maildir.
        instance_name = edgemail-smtpbench
        base_dir = {{Path.Combine(folder, "run")}}
        state_dir = {{Path.Combine(folder, "state")}}
        log_path = {{log}}
        protocols = lmtp
        listen = 127.0.0.1
        ssl = no
        mail_fsync = optimized
        passdb {
          driver = passwd-file
          args = scheme=PLAIN {{users}}
        }
        userdb {
          driver = static
          args = uid={{MailUid}} gid={{MailGid}} home={{home}}/%n allow_all_users=yes
        }
        mail_location = maildir:~/Maildir
        service lmtp {
          inet_listener lmtp {
            address = 127.0.0.1
            port = {{port}}
          }
        }
        """;

    /// <summary>Messages delivered so far (files in new/ and cur/).</summary>
    public long Delivered()
    {
        long count = 0;
        foreach (var sub in (string[])["new", "cur"])
        {
            var dir = Path.Combine(Maildir, sub);
            count += Directory.Exists(dir) ? Directory.EnumerateFiles(dir).LongCount() : 0;
        }

        return count;
    }

    public ValueTask DisposeAsync() => _dovecot.DisposeAsync();
}
