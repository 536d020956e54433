using EdgeMail.Benchmarks;
using EdgeMail.Benchmarks.Fetch;
using EdgeMail.Benchmarks.Host;
using EdgeMail.Benchmarks.Imap;
using EdgeMail.Benchmarks.Output;
using EdgeMail.Benchmarks.Pop3;
using EdgeMail.Benchmarks.Smtp;
using EdgeMail.Benchmarks.Store;

// EdgeMail's benchmarks (an executable, not part of CI): dotnet run -c Release --project tests/EdgeMail.Benchmarks -- <name> [args] [--json]
// One benchmark per file; to add one, write a class with `static Task<int> RunAsync(BenchmarkContext c)`
// and add its line here. `all` runs every benchmark in this table with its defaults.
Benchmark[] benchmarks =
[
    new("store", "[dir] [appends] [messages] [size=10K]", "store append throughput, fsyncs and bytes per append (1 and 8 writers); enumeration of a large mailbox",
        async c => await AppendBenchmark.RunAsync(c) | await EnumerateBenchmark.RunAsync(c)),
    new("layout", "[dir] [count]", "body layout decision: one file per message against the store's segment files, same durability", LayoutBenchmark.RunAsync),
    new("serve", "[binary]", "the real program: start-to-listening time, idle RSS/PSS, exit code on SIGTERM", ServeBenchmark.RunAsync),
    new("pop3", "[binary] [messages] [runs] [window]", "POP3 RETR of every message (pipelined and one at a time), EdgeMail beside Dovecot: msg/s, MB/s, server CPU", Pop3Benchmark.RunAsync),
    new("smtp", "[binary] [messages] [relay] [runs] [sessions] [size=10K]", "SMTP intake of [size] messages from smtp-source (local delivery and relay to smtp-sink), EdgeMail beside Postfix+Dovecot: msg/s, bytes written/msg", SmtpBenchmark.RunAsync),
    new("imap", "[--messages N] [--seconds S] ...", "IMAP against Dovecot: SELECT/FETCH/SEARCH of a large INBOX, mixed load ops/s, memory of 1,000 IDLE connections (plain, TLS)", ImapBenchmark.RunAsync),
    new("hostile", "[binary] [seconds=10] [nice=19]", "a well-behaved user's IMAP NOOP/FETCH, SMTP send and POP3 STAT latency alone and during each hostile-client attack (silent connections at the limit, dribblers, non-reading pipelines, login flood, 4 GiB literals, deep nesting, STARTTLS injection): p50/p99, ratio to the baseline, the 3x goal", HostileBenchmark.RunAsync),
    new("login-flood", "[binary] [seconds=60] [connections=10]", "wrong IMAP passwords from 1, N and 250 rotating addresses against the default throttle: answers, log size, the real user's login after", LoginFloodBenchmark.RunAsync),
    new("device", "[binary] [seconds=60] [deliveries=50]", "the Virtual-driver LEDs under serve: idle CPU with steady and with blinking LEDs, the mail LED's latency after an SMTP delivery", DeviceBenchmark.RunAsync),
    new("web", "BINARY [BINARY_WITHOUT_WEB] [ARM64 ARM64_WITHOUT_WEB]", "what the web page costs: binary size with and without it, serve's start and idle RSS/PSS with the page on and off, GET /api/status and GET / latency and requests/s on one keep-alive connection", WebBenchmark.RunAsync),
    new("append-latency", "[--appends N] [--runs R] [--binary PATH] ...", "serial IMAP APPEND latency (median, p90) from a Nagle-on client as imaplib sends it, and with TCP_NODELAY, EdgeMail beside Dovecot", AppendLatencyBenchmark.RunAsync),
    new("fetch", "[--messages N] [--binary PATH] [--samples S] ...", "fetch accounts: first sync of a 10,000-message Dovecot INBOX over IMAPS (msg/s, peak RSS) against fetchmail (mda and SMTP) into EdgeMail; IDLE push latency", FetchBenchmark.RunAsync),
];

var json = args.Contains("--json");
var positional = args.Where(a => a != "--json").ToArray();
var report = new Report(json);
var name = positional.Length > 0 ? positional[0] : "";
var rest = positional.Skip(1).ToArray();
int exitCode;
if (name == "all" && rest.Length == 0)
{
    exitCode = 0;
    foreach (var benchmark in benchmarks)
    {
        exitCode |= await benchmark.RunAsync(new BenchmarkContext([], report));
    }
}
else if (benchmarks.FirstOrDefault(b => b.Name == name) is { } chosen)
{
    exitCode = await chosen.RunAsync(new BenchmarkContext(rest, report));
}
else
{
    await Console.Error.WriteLineAsync("usage: EdgeMail.Benchmarks <benchmark> [args] [--json]");
    foreach (var benchmark in benchmarks)
    {
        await Console.Error.WriteLineAsync($"  {benchmark.Name + " " + benchmark.Usage,-36} {benchmark.Summary}");
    }

    await Console.Error.WriteLineAsync($"  {"all",-36} every benchmark above with its defaults");
    return 2;
}

report.Finish();
return exitCode;
