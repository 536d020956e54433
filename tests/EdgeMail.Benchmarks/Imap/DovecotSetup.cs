using System.Diagnostics;
using System.Globalization;
using EdgeMail.Benchmarks.Output;
using EdgeMail.Testing;

namespace EdgeMail.Benchmarks.Imap;

/// <summary>
/// Dovecot for the `imap` benchmark (Debian's dovecot-imapd): the same messages are written as Maildir
/// files straight into cur/ (LF line ends, as Dovecot saves them, S= and W= sizes in the name, the
/// file time as INTERNALDATE, \Seen as the S flag), and Imap/dovecot.sh writes the configuration and
/// runs `dovecot -F`. Dovecot builds its index and UID list on the first SELECT, which is why that
/// SELECT is reported apart from the second.
/// </summary>
internal static class DovecotSetup
{
    public static string Script => Path.Combine(AppContext.BaseDirectory, "Imap", "dovecot.sh");

    /// <summary>Writes each user's messages (MessageCorpus, 2 KiB to <paramref name="maxMessageBytes"/>) and the passwd-file; seconds taken.</summary>
    public static double Fill(string dir, IReadOnlyList<(string User, int Messages)> users, string password, int maxMessageBytes = 10 * 1024)
    {
        var sw = Stopwatch.StartNew();
        var lines = new List<string>();
        foreach (var (user, messages) in users)
        {
            var home = Path.Combine(dir, "home", user.Split('@')[0]);
            var maildir = Path.Combine(home, "Maildir");
            foreach (var sub in (string[])["cur", "new", "tmp"])
            {
                Directory.CreateDirectory(Path.Combine(maildir, sub));
            }

            var done = 0;
            Parallel.For(0, messages, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
            {
                var crlf = MessageCorpus.Create(i, maxMessageBytes);
                var lf = new byte[crlf.Length];
                var n = 0;
                for (var b = 0; b < crlf.Length; b++)
                {
                    if (crlf[b] == (byte)'\r' && b + 1 < crlf.Length && crlf[b + 1] == (byte)'\n')
                    {
                        continue;
                    }

                    lf[n++] = crlf[b];
                }

                var date = MessageCorpus.DateOf(i);
                // Maildir name: time.M<unique>P<pid>.host,S=<file size>,W=<CRLF size>:2,<flags> (Dovecot's maildir_filename).
                var name = string.Create(CultureInfo.InvariantCulture,
                    $"{date.ToUnixTimeSeconds()}.M{i}P1.imapbench,S={n},W={crlf.Length}:2,{(MessageCorpus.IsSeen(i) ? "S" : "")}");
                var path = Path.Combine(maildir, "cur", name);
                using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
                {
                    file.Write(lf, 0, n);
                }

                File.SetLastWriteTimeUtc(path, date.UtcDateTime);
                if (Interlocked.Increment(ref done) % 20_000 == 0)
                {
                    Report.Progress($"imap: Dovecot {user}: {done}/{messages} Maildir files ({sw.Elapsed.TotalSeconds:F0} s)");
                }
            });
            lines.Add($"{user}:{{PLAIN}}{password}:65534:65534::{home}::");
        }

        File.WriteAllLines(Path.Combine(dir, "users"), lines);
        return sw.Elapsed.TotalSeconds;
    }

    /// <summary>Starts Dovecot on the filled folder; format maildir or sdbox (see dovecot.sh).</summary>
    public static async Task<ServerProcess> StartAsync(string dir, string format)
    {
        var port = EdgeMailProcess.FreePort();
        var tlsPort = EdgeMailProcess.FreePort();
        List<string> args = [Script, dir, port.ToString(CultureInfo.InvariantCulture), tlsPort.ToString(CultureInfo.InvariantCulture), Path.Combine(dir, "users"), format];
        Report.Progress($"imap: sh {string.Join(' ', args)}");
        var process = ServerProcess.Start("sh", args);
        var tail = new List<string>();
        var drain = ServerProcess.DrainAsync(process, tail);
        try
        {
            // sdbox: the first start also copies the Maildir folders (doveadm backup).
            await ServerProcess.WaitForPortAsync(process, port, TimeSpan.FromMinutes(20));
        }
        catch (InvalidOperationException ex)
        {
            await drain;
            throw new InvalidOperationException($"{ex.Message}: {string.Join('\n', tail)}", ex);
        }

        return new ServerProcess($"Dovecot {format}", process, port, tlsPort, drain);
    }
}
