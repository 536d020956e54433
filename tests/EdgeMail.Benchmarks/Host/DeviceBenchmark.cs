using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using EdgeMail.Benchmarks.Output;
using EdgeMail.Testing;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace EdgeMail.Benchmarks.Host;

/// <summary>
/// `device [binary] [seconds=60] [deliveries=50]`: the real program under `serve` with the Virtual GPIO driver and both
/// LEDs wired. (1) Idle CPU over S seconds (utime+stime from /proc/PID/stat) with steady LEDs (one account, no mail:
/// status on, mail off) and with a blinking one (the pairing window open: fast blink, an edge every 125 ms).
/// (2) The mail LED's latency after delivery: from the SMTP server's 250 to the first `status` over the control socket
/// (one JSON line each way, polled back to back) that shows the mail LED on, for N deliveries, each read first.
/// </summary>
internal static class DeviceBenchmark
{
    private const string User = "alice@edgemail.local";
    private const string Password = "correct horse battery";

    public static async Task<int> RunAsync(BenchmarkContext c)
    {
        var binary = c.Arg(0) ?? Environment.GetEnvironmentVariable("EDGEMAIL_BINARY") ?? ServeBenchmark.FindBuilt();
        if (binary is null || !File.Exists(binary))
        {
            await Console.Error.WriteLineAsync("device: pass the path of a built edgemail or edgemail.dll (see the serve benchmark)");
            return 1;
        }

        binary = Path.GetFullPath(binary);
        var seconds = c.IntArg(1, 60);
        var deliveries = c.IntArg(2, 50);
        var data = Path.Combine(BenchmarkContext.DefaultRoot, "device-" + Environment.ProcessId);
        Directory.CreateDirectory(data);
        try
        {
            await EdgeMailProcess.AddUserAsync(binary, data, User, Password);
            var smtp = EdgeMailProcess.FreePort();
            var args = ServeProcess.OnlyArguments(data, ("Smtp:Port", smtp), ("Imap:Port", EdgeMailProcess.FreePort()));
            args.AddRange(["--Device:Gpio:Driver=Virtual", "--Device:MailLed:Pin=17", "--Device:StatusLed:Pin=27", "--Device:Button:Pin=22", "--Device:Pairing:Window=01:00:00"]);
            var serve = await ServeProcess.StartAsync(EdgeMailProcess.StartInfoFor(binary, args), TimeSpan.FromSeconds(60));
            var pid = serve.Process.Id;
            var socket = Path.Combine(data, "control.sock");
            var idle = new Table($"device: idle CPU of serve over {seconds} s ({binary})", "LEDs", "status LED", "mail LED", "CPU ms", "CPU %");
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(2));
                foreach (var (label, open) in new[] { ("steady", false), ("blinking", true) })
                {
                    if (open)
                    {
                        await ControlAsync(socket, "pair", ["open"]);
                    }

                    var before = CpuMs(pid);
                    Report.Progress($"device: {label} LEDs for {seconds} s...");
                    await Task.Delay(TimeSpan.FromSeconds(seconds));
                    var used = CpuMs(pid) - before;
                    var device = (await ControlAsync(socket, "status", [])).GetProperty("status").GetProperty("device");
                    idle.Add(label, Pattern(device, "statusLed"), Pattern(device, "mailLed"), used, used / (seconds * 10.0));
                    if (open)
                    {
                        await ControlAsync(socket, "pair", ["close"]);
                    }
                }

                idle.Note("CPU = utime + stime of the serve process from /proc/PID/stat; no client connected; blinking = the pairing window open (fast blink, 125/125 ms).");
                c.Report.Add(idle);

                var latencies = new List<double>();
                using var client = new SmtpClient();
                await client.ConnectAsync("127.0.0.1", smtp, SecureSocketOptions.None);
                for (var i = 0; i < deliveries; i++)
                {
                    await ReadAllAsync(socket);
                    await client.SendAsync(LanMail.Message(User, "scan " + i, "page"));
                    var sw = Stopwatch.StartNew();
                    while (Pattern((await ControlAsync(socket, "status", [])).GetProperty("status").GetProperty("device"), "mailLed") is not ("on" or "blink-once"))
                    {
                        if (sw.Elapsed > TimeSpan.FromSeconds(10))
                        {
                            throw new InvalidOperationException("the mail LED did not come on within 10 s");
                        }
                    }

                    latencies.Add(sw.Elapsed.TotalMilliseconds);
                }

                await client.DisconnectAsync(true);
                latencies.Sort();
                var latency = new Table($"device: mail LED after delivery, {deliveries} deliveries", "median ms", "p90 ms", "max ms");
                latency.Add(latencies[latencies.Count / 2], latencies[(int)(latencies.Count * 0.9)], latencies[^1]);
                latency.Note("from MailKit's return of SendAsync (the 250 after DATA) to the first status over the control socket that shows the mail LED lit; each status costs about a control round trip, which the figure includes.");
                c.Report.Add(latency);
            }
            finally
            {
                await serve.StopAsync(TimeSpan.FromSeconds(30));
                serve.Process.Dispose();
            }

            return 0;
        }
        finally
        {
            Directory.Delete(data, true);
        }
    }

    // Marks every message of alice's INBOX seen over IMAP and waits for the LED to go out, so that the next delivery
    // turns it on again.
    private static async Task ReadAllAsync(string socket)
    {
        using var imap = new MailKit.Net.Imap.ImapClient();
        var status = (await ControlAsync(socket, "status", [])).GetProperty("status");
        var port = status.GetProperty("listening").EnumerateArray().FirstOrDefault(l => l.GetProperty("protocol").GetString() == "imap");
        if (port.ValueKind == JsonValueKind.Undefined)
        {
            throw new InvalidOperationException("serve has no plain IMAP listener");
        }

        await imap.ConnectAsync("127.0.0.1", port.GetProperty("port").GetInt32(), SecureSocketOptions.None);
        await imap.AuthenticateAsync(User, Password);
        await imap.Inbox.OpenAsync(MailKit.FolderAccess.ReadWrite);
        if (imap.Inbox.Count > 0)
        {
            var all = Enumerable.Range(0, imap.Inbox.Count).ToList();
            await imap.Inbox.AddFlagsAsync(all, MailKit.MessageFlags.Seen, silent: true);
        }

        await imap.DisconnectAsync(true);
        var sw = Stopwatch.StartNew();
        while (Pattern((await ControlAsync(socket, "status", [])).GetProperty("status").GetProperty("device"), "mailLed") != "off" && sw.Elapsed < TimeSpan.FromSeconds(10))
        {
        }
    }

    private static string Pattern(JsonElement device, string led) => device.GetProperty(led).GetProperty("pattern").GetString() ?? "?";

    // One request line, one answer line (src/EdgeMail/Control/ControlProtocol.cs).
    private static async Task<JsonElement> ControlAsync(string path, string verb, string[] arguments)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        // Verbs and arguments here are plain words: no JSON escaping needed.
        var request = $"{{\"version\":1,\"verb\":\"{verb}\",\"arguments\":[{string.Join(',', arguments.Select(a => $"\"{a}\""))}]}}";
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request + "\n"));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var line = await reader.ReadLineAsync() ?? throw new InvalidOperationException("the control channel closed without an answer");
        using var json = JsonDocument.Parse(line);
        return json.RootElement.Clone();
    }

    private static long CpuMs(int pid)
    {
        // Fields 14 and 15 of /proc/PID/stat (after the parenthesised name): utime and stime in clock ticks.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks * 1000 / 100;
    }
}
