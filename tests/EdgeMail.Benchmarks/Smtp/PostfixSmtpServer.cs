using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using EdgeMail.Testing;

namespace EdgeMail.Benchmarks.Smtp;

/// <summary>
/// A private Postfix instance (its own config_directory, queue_directory and data_directory under the
/// benchmark's folder; smtpd on 127.0.0.1 at a free port) that delivers edgemail.local through LMTP into a
/// private Dovecot's Maildir and relays every other domain to the sink (relayhost). Started with
/// `postfix -c DIR start`, stopped with `postfix -c DIR stop`; nothing in /etc/postfix is read or changed.
/// Durability as EdgeMail's: Postfix's cleanup fsyncs the queue file before smtpd answers 250 to DATA, and
/// removes it only after Dovecot's LMTP 250, which Dovecot sends after fsyncing the Maildir file.
/// </summary>
internal sealed class PostfixSmtpServer : ISmtpServer
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly string _config;
    private readonly string _queue;
    private readonly DovecotLmtp _dovecot;
    private readonly int _master;

    private PostfixSmtpServer(string config, string queue, int port, int master, DovecotLmtp dovecot, List<string> commands)
    {
        _config = config;
        _queue = queue;
        Port = port;
        _master = master;
        _dovecot = dovecot;
        Commands = commands;
    }

    public string Name => "Postfix+Dovecot";

    public int Port { get; }

    public IReadOnlyCollection<int> ProcessRoots => [_master, _dovecot.ProcessId];

    public IReadOnlyList<string> Commands { get; }

    public long? Delivered() => _dovecot.Delivered();

    /// <summary>Queue files still in incoming/, active/ or deferred/ (maildrop and hold too).</summary>
    public long QueueFiles() =>
        new[] { "maildrop", "incoming", "active", "deferred", "hold" }
            .Select(d => Path.Combine(_queue, d))
            .Where(Directory.Exists)
            .Sum(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories).LongCount());

    public static string Version()
    {
        using var process = Process.Start(new ProcessStartInfo("/usr/sbin/postconf", ["-d", "-h", "mail_version"]) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var version = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return version;
    }

    public static async Task<PostfixSmtpServer> StartAsync(string folder, int sinkPort)
    {
        var config = Path.Combine(folder, "postfix", "conf");
        var queue = Path.Combine(folder, "postfix", "queue");
        var data = Path.Combine(folder, "postfix", "data");
        var log = Path.Combine(folder, "postfix", "postfix.log");
        foreach (var dir in new[] { config, queue, data })
        {
            Directory.CreateDirectory(dir);
        }

        // Postfix's master keeps its lock and the TLS session cache in data_directory, which must belong to mail_owner.
        await RunAsync("chown", ["postfix", data]);

        var lmtpPort = EdgeMailProcess.FreePort();
        var dovecot = await DovecotLmtp.StartAsync(Path.Combine(folder, "dovecot"), lmtpPort);
        var port = EdgeMailProcess.FreePort();
        await File.WriteAllTextAsync(Path.Combine(config, "main.cf"), MainCf(queue, data, log, lmtpPort, sinkPort));
        await File.WriteAllTextAsync(Path.Combine(config, "master.cf"), MasterCf(port));
        List<string> commands = [dovecot.Command, $"{SmtpTools.Postfix} -c {config} start"];
        try
        {
            var (exit, output) = await RunAsync(SmtpTools.Postfix, ["-c", config, "start"]);
            if (exit != 0)
            {
                throw new InvalidOperationException($"postfix -c {config} start failed (exit {exit}): {output} {(File.Exists(log) ? await File.ReadAllTextAsync(log) : "")}");
            }

            await WaitListeningAsync(port, log);
            var master = FindMaster(queue) ?? throw new InvalidOperationException($"no Postfix master process works in {queue}");
            return new PostfixSmtpServer(config, queue, port, master, dovecot, commands);
        }
        catch
        {
            await RunAsync(SmtpTools.Postfix, ["-c", config, "stop"]);
            await dovecot.DisposeAsync();
            throw;
        }
    }

    /// <summary>main.cf: everything the instance needs, stated, so that the Debian defaults in /etc/postfix do not matter.</summary>
    public static string MainCf(string queue, string data, string log, int lmtpPort, int sinkPort) => $"""
        # Written by EdgeMail.Benchmarks (smtp): a private instance for one benchmark run.
        compatibility_level = 3.6
        queue_directory = {queue}
        data_directory = {data}
        mail_owner = postfix
        setgid_group = postdrop
        maillog_file = {log}
        myhostname = smtpbench.localdomain
        mydomain = localdomain
        myorigin = $myhostname
        inet_interfaces = 127.0.0.1
        inet_protocols = ipv4
        mynetworks = 127.0.0.0/8
        mydestination = edgemail.local
        # Every local recipient goes to Dovecot's LMTP, which accepts any user (static userdb, allow_all_users).
        local_recipient_maps =
        local_transport = lmtp:inet:127.0.0.1:{lmtpPort}
        alias_maps =
        alias_database =
        # Outside mail goes to the sink, with no DNS lookups.
        relayhost = [127.0.0.1]:{sinkPort}
        smtp_dns_support_level = disabled
        smtp_tls_security_level = none
        smtpd_tls_security_level = none
        biff = no
        """;

    /// <summary>master.cf: smtpd on 127.0.0.1 at the benchmark's port, the daemons local delivery and relay use, nothing chrooted.</summary>
    public static string MasterCf(int port) => $"""
        # service type  private unpriv  chroot  wakeup  maxproc command
        127.0.0.1:{port} inet n - n - - smtpd
        pickup    unix  n       -       n       60      1       pickup
        cleanup   unix  n       -       n       -       0       cleanup
        qmgr      unix  n       -       n       300     1       qmgr
        tlsmgr    unix  -       -       n       1000?   1       tlsmgr
        rewrite   unix  -       -       n       -       -       trivial-rewrite
        bounce    unix  -       -       n       -       0       bounce
        defer     unix  -       -       n       -       0       bounce
        trace     unix  -       -       n       -       0       bounce
        verify    unix  -       -       n       -       1       verify
        flush     unix  n       -       n       1000?   0       flush
        proxymap  unix  -       -       n       -       -       proxymap
        smtp      unix  -       -       n       -       -       smtp
        relay     unix  -       -       n       -       -       smtp
        showq     unix  n       -       n       -       -       showq
        error     unix  -       -       n       -       -       error
        retry     unix  -       -       n       -       -       error
        discard   unix  -       -       n       -       -       discard
        local     unix  -       n       n       -       -       local
        lmtp      unix  -       -       n       -       -       lmtp
        anvil     unix  -       -       n       -       1       anvil
        scache    unix  -       -       n       -       1       scache
        postlog   unix-dgram n  -       n       -       1       postlogd
        """;

    public async ValueTask DisposeAsync()
    {
        await RunAsync(SmtpTools.Postfix, ["-c", _config, "stop"]);

        // postfix stop returns once master has been signalled; wait until it is gone, so that the folder can be removed.
        var stopwatch = Stopwatch.StartNew();
        while (Directory.Exists($"/proc/{_master}") && stopwatch.Elapsed < Timeout)
        {
            await Task.Delay(50);
        }

        await _dovecot.DisposeAsync();
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, IEnumerable<string> args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(Timeout);
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, (await stdout + await stderr).Trim());
    }

    /// <summary>
    /// The instance's master: the process named master whose working directory is the queue directory. Its
    /// pid/master.pid is exclusively locked (flock), which .NET's file reads respect, so it is not read.
    /// </summary>
    private static int? FindMaster(string queue)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) &&
                    File.ReadAllText(Path.Combine(dir, "comm")).Trim() == "master" &&
                    new DirectoryInfo(Path.Combine(dir, "cwd")).LinkTarget is { } cwd && Path.TrimEndingDirectorySeparator(cwd) == Path.TrimEndingDirectorySeparator(queue))
                {
                    return pid;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // exited meanwhile
            }
        }

        return null;
    }

    private static async Task WaitListeningAsync(int port, string log)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await probe.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
                return;
            }
            catch (SocketException) when (stopwatch.Elapsed < Timeout)
            {
                await Task.Delay(50);
            }
            catch (SocketException)
            {
                throw new InvalidOperationException($"postfix did not listen on 127.0.0.1:{port} within {Timeout.TotalSeconds:F0} s: {(File.Exists(log) ? await File.ReadAllTextAsync(log) : "")}");
            }
        }
    }
}
