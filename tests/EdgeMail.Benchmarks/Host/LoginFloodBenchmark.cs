using System.Diagnostics;
using System.Text;
using EdgeMail.Benchmarks.Output;
using EdgeMail.Testing;

namespace EdgeMail.Benchmarks.Host;

/// <summary>
/// `login-flood [binary] [seconds=60] [connections=10]`: the real program under `serve` with its default throttle,
/// hammered with wrong IMAP LOGIN passwords by N connections that reconnect whenever closed, for S seconds, from
/// (a) one address, (b) one address per connection, (c) connections rotating over 250 addresses. Reports the answers
/// the attackers got, the connections they made, what the server wrote to its log, and whether (and how fast) the
/// real user logs in from a fresh address at the end. The flood of the issue that asked for this: 580,181 answers
/// and 72 MB of log in 60 s from 10 connections.
/// </summary>
internal static class LoginFloodBenchmark
{
    private const string User = "alice@edgemail.local";
    private const string Password = "correct horse battery";

    public static async Task<int> RunAsync(BenchmarkContext c)
    {
        var binary = c.Arg(0) ?? Environment.GetEnvironmentVariable("EDGEMAIL_BINARY") ?? ServeBenchmark.FindBuilt();
        if (binary is null || !File.Exists(binary))
        {
            await Console.Error.WriteLineAsync("login-flood: pass the path of a built edgemail or edgemail.dll (see the serve benchmark)");
            return 1;
        }

        binary = Path.GetFullPath(binary);
        var seconds = c.IntArg(1, 60);
        var connections = c.IntArg(2, 10);
        var table = new Table($"login-flood: {connections} connections x {seconds} s of wrong IMAP LOGIN passwords, default throttle ({binary})",
            "attack from", "answers", "connections", "log lines", "log KiB", "known device login ms", "new device login ms");
        var ok = true;
        foreach (var (label, addresses) in new (string, Func<int, int, string>)[]
        {
            ("one address", (_, _) => "127.0.1.1"),
            ("one address per connection", (connection, _) => $"127.0.2.{connection + 1}"),
            ("250 rotating addresses", (connection, attempt) => $"127.0.{3 + (connection * 25 + attempt) / 250 % 2}.{(connection * 25 + attempt) % 250 + 1}"),
        })
        {
            Report.Progress($"login-flood: {label}...");
            var run = await RunOnceAsync(binary, seconds, connections, addresses);
            ok &= run.KnownMs >= 0 && run.NewMs >= 0;
            table.Add(label, run.Answers, run.Connections, run.LogLines, run.LogBytes / 1024.0, Shown(run.KnownMs), Shown(run.NewMs));
        }

        table.Note("answers = replies to a LOGIN (refusals included); a connection is closed at its 3rd failure or when its address is locked.");
        table.Note("log = everything serve wrote to stdout and stderr during the run; login = the user's IMAP LOGIN once the flood ends, from a device that logged in before it (no account delay) and from a new address (the account's capped delay); 'refused' if it failed.");
        c.Report.Add(table);
        return ok ? 0 : 1;
    }

    private static async Task<Run> RunOnceAsync(string binary, int seconds, int connections, Func<int, int, string> from)
    {
        var data = Path.Combine(BenchmarkContext.DefaultRoot, "login-flood-" + Environment.ProcessId);
        Directory.CreateDirectory(data);
        try
        {
            await EdgeMailProcess.AddUserAsync(binary, data, User, Password);
            var port = EdgeMailProcess.FreePort();
            var args = ServeProcess.OnlyArguments(data, ("Imap:Port", port));
            var serve = await ServeProcess.StartAsync(EdgeMailProcess.StartInfoFor(binary, args), TimeSpan.FromSeconds(60));

            // The user's laptop logs in before the flood: a known device from then on.
            const string Laptop = "127.0.9.8";
            if (await UserLoginMsAsync(Laptop, port) < 0)
            {
                throw new InvalidOperationException("the user could not log in before the flood");
            }

            long answers = 0, opened = 0;
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
            var attackers = Enumerable.Range(0, connections).Select(connection => Task.Run(async () =>
            {
                var attempt = 0;
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        await using var client = await LoopbackClient.ConnectAsync(from(connection, attempt), port);
                        Interlocked.Increment(ref opened);
                        var greeting = await client.ReadLineAsync().WaitAsync(stop.Token);
                        while (greeting is not null && !stop.IsCancellationRequested)
                        {
                            var reply = await client.ImapAsync($"LOGIN \"{User}\" \"guess {connection}.{attempt++}\"").WaitAsync(stop.Token);
                            if (reply == "(closed)")
                            {
                                break;
                            }

                            Interlocked.Increment(ref answers);
                        }
                    }
                    catch (OperationCanceledException)
                    {
                    }
                    catch (System.Net.Sockets.SocketException)
                    {
                    }
                }
            })).ToArray();
            await Task.WhenAll(attackers);

            var knownMs = await UserLoginMsAsync(Laptop, port);
            var newMs = await UserLoginMsAsync("127.0.9.9", port);
            await serve.StopAsync(TimeSpan.FromSeconds(30));
            var (output, errors) = (await serve.Output, await serve.Errors);
            serve.Process.Dispose();
            var log = output + errors;
            return new Run(answers, opened, log.Count(ch => ch == '\n'), Encoding.UTF8.GetByteCount(log), knownMs, newMs);
        }
        finally
        {
            Directory.Delete(data, true);
        }
    }

    // Milliseconds from connecting to the tagged OK of a LOGIN with the right password; -1 if refused.
    private static async Task<double> UserLoginMsAsync(string from, int port)
    {
        var sw = Stopwatch.StartNew();
        await using var user = await LoopbackClient.ConnectAsync(from, port);
        await user.ReadLineAsync();
        var ok = (await user.ImapAsync($"LOGIN \"{User}\" \"{Password}\"")).StartsWith("a1 OK", StringComparison.Ordinal);
        return ok ? sw.Elapsed.TotalMilliseconds : -1;
    }

    private static object Shown(double ms) => ms < 0 ? "refused" : ms;

    private sealed record Run(long Answers, long Connections, int LogLines, long LogBytes, double KnownMs, double NewMs);
}
