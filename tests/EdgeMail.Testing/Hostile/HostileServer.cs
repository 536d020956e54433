using System.Globalization;

namespace EdgeMail.Testing.Hostile;

/// <summary>
/// The real `serve` as the hostile clients meet it: IMAP, POP3, SMTP intake and submission on free ports of
/// 127.0.0.1, one account (alice, and bob when asked), in a data folder of its own. Settings are given as the
/// command line takes them, without the dashes ("Network:MaxConnections=40"). The tests run it on the program they
/// are built with, the benchmark on a native binary.
/// </summary>
public sealed class HostileServer : IAsyncDisposable
{
    public const string Alice = "alice@edgemail.local";
    public const string Bob = "bob@edgemail.local";
    public const string Password = "correct horse battery";

    private HostileServer(string program, string data, int imap, int pop3, int smtp, int submission, ServeProcess serve)
    {
        Program = program;
        DataPath = data;
        Imap = imap;
        Pop3 = pop3;
        Smtp = smtp;
        Submission = submission;
        Serve = serve;
    }

    /// <summary>The edgemail program serving (edgemail.dll or a native binary).</summary>
    public string Program { get; }

    public string DataPath { get; }

    public int Imap { get; }

    public int Pop3 { get; }

    /// <summary>The intake port (RFC 5321, no AUTH needed for local recipients).</summary>
    public int Smtp { get; }

    /// <summary>The submission port (RFC 6409, AUTH required).</summary>
    public int Submission { get; }

    public ServeProcess Serve { get; }

    public int ProcessId => Serve.Process.Id;

    /// <summary>Adds the accounts, starts `serve` with <paramref name="settings"/> and returns once it listens.</summary>
    public static async Task<HostileServer> StartAsync(IEnumerable<string> settings, bool withBob = false, string? program = null, string? dataRoot = null)
    {
        program ??= EdgeMailProcess.Program;
        var data = Path.Combine(dataRoot ?? Path.GetTempPath(), "edgemail-hostile-" + Guid.NewGuid().ToString("N"));
        try
        {
            // `user add` once per program and set of accounts (a process start each, seconds on a loaded machine),
            // then a copy of that data folder for each server: the same accounts, stores of their own.
            CopyFolder(await TemplateAsync(program, withBob).ConfigureAwait(false), data);

            var (imap, pop3, smtp, submission) = (EdgeMailProcess.FreePort(), EdgeMailProcess.FreePort(), EdgeMailProcess.FreePort(), EdgeMailProcess.FreePort());
            var args = ServeProcess.OnlyArguments(data, ("Imap:Port", imap), ("Pop3:Port", pop3), ("Smtp:Port", smtp), ("Smtp:SubmissionPort", submission));
            args.AddRange(settings.Select(s => "--" + s));
            var serve = await ServeProcess.StartAsync(EdgeMailProcess.StartInfoFor(program, args), TimeSpan.FromSeconds(90)).ConfigureAwait(false);
            return new HostileServer(program, data, imap, pop3, smtp, submission, serve);
        }
        catch
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }

            throw;
        }
    }

    private static readonly SemaphoreSlim TemplateGate = new(1, 1);
    private static readonly Dictionary<(string, bool), string> Templates = [];

    private static async Task<string> TemplateAsync(string program, bool withBob)
    {
        await TemplateGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!Templates.TryGetValue((program, withBob), out var template))
            {
                template = Path.Combine(Path.GetTempPath(), $"edgemail-hostile-template-{Environment.ProcessId}-{Templates.Count}");
                if (Directory.Exists(template))
                {
                    Directory.Delete(template, recursive: true);
                }

                Directory.CreateDirectory(template);
                await EdgeMailProcess.AddUserAsync(program, template, Alice, Password).ConfigureAwait(false);
                if (withBob)
                {
                    await EdgeMailProcess.AddUserAsync(program, template, Bob, Password).ConfigureAwait(false);
                }

                if (Templates.Count == 0)
                {
                    AppDomain.CurrentDomain.ProcessExit += (_, _) =>
                    {
                        foreach (var folder in Templates.Values)
                        {
                            try
                            {
                                Directory.Delete(folder, recursive: true);
                            }
                            catch (IOException)
                            {
                            }
                        }
                    };
                }

                Templates[(program, withBob)] = template;
            }

            return template;
        }
        finally
        {
            TemplateGate.Release();
        }
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var folder in Directory.GetDirectories(from))
        {
            CopyFolder(folder, Path.Combine(to, Path.GetFileName(folder)));
        }
    }

    /// <summary>The server's resident memory now (VmRSS of /proc/PID/status), in bytes.</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{ProcessId}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException("no VmRSS in /proc/" + ProcessId + "/status");
    }

    /// <summary>`edgemail check` on the data folder while the service runs: its report, or an exception with it unless sound.</summary>
    public async Task<string> CheckAsync()
    {
        var (exit, stdout, stderr) = await EdgeMailProcess.RunProgramAsync(Program, ["check", "--data", DataPath], timeoutSeconds: 120).ConfigureAwait(false);
        if (exit != 0)
        {
            throw new InvalidOperationException($"edgemail check found problems (exit {exit}): {stdout} {stderr}");
        }

        return stdout;
    }

    /// <summary>`edgemail queue list`: what waits for the upstream relay.</summary>
    public async Task<string> QueueListAsync()
    {
        var (exit, stdout, stderr) = await EdgeMailProcess.RunProgramAsync(Program, ["queue", "list", "--data", DataPath]).ConfigureAwait(false);
        if (exit != 0)
        {
            throw new InvalidOperationException($"edgemail queue list failed (exit {exit}): {stderr}");
        }

        return stdout;
    }

    /// <summary>Stops the service (SIGTERM) and returns everything it logged.</summary>
    public async Task<string> StopAsync()
    {
        await Serve.StopAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        return await Serve.Output.ConfigureAwait(false) + await Serve.Errors.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!Serve.Process.HasExited)
            {
                await Serve.StopAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            }
        }
        finally
        {
            Serve.Process.Dispose();
            try
            {
                Directory.Delete(DataPath, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
