using EdgeMail.Imap;
using EdgeMail.Pop3;
using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeMail.Configuration;
using EdgeMail.Net;
using EdgeMail.Store;

namespace EdgeMail;

/// <summary>`edgemail status [--json]`: data folder, accounts, certificate fingerprint, ports.</summary>
internal static class StatusCommand
{
    public static async Task<int> RunAsync(CliArguments cli, EdgeMailSettings settings)
    {
        Cli.ExpectWords(cli, 1);
        await using var store = MailStore.Open(settings.Storage, StoreOpenMode.Admin);
        var accounts = await store.ListAccountsAsync().ConfigureAwait(false);
        var queue = await store.GetQueueCountsAsync().ConfigureAwait(false);
        var report = new StatusReport
        {
            DataPath = store.DataPath,
            Accounts = accounts.Count,
            Queue = new QueueStatus { Messages = queue.Messages, Recipients = queue.Recipients, Deferred = queue.Deferred },
            Domains = settings.Domains,
            TlsFingerprintSha256 = CertificateProvider.ReadFingerprint(settings.Tls, store.DataPath),
            Bind = settings.Network.Bind,
            Ports = new Dictionary<string, int>
            {
                ["imap"] = settings.Imap.Port,
                ["imaps"] = settings.Imap.TlsPort,
                ["pop3"] = settings.Pop3.Port,
                ["pop3s"] = settings.Pop3.TlsPort,
                ["smtp"] = settings.Smtp.Port,
                ["submission"] = settings.Smtp.SubmissionPort,
                ["submissions"] = settings.Smtp.TlsPort,
                ["web"] = settings.Web.Port,
            },
        };

        if (cli.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(report, StatusJsonContext.Default.StatusReport));
            return Cli.Ok;
        }

        Console.WriteLine($"data folder:     {report.DataPath}");
        Console.WriteLine($"accounts:        {report.Accounts}");
        Console.WriteLine($"domains:         {string.Join(", ", report.Domains)}");
        Console.WriteLine($"relay queue:     {report.Queue.Messages} message(s), {report.Queue.Recipients} recipient(s) to send, {report.Queue.Deferred} deferred");
        Console.WriteLine($"TLS certificate: {report.TlsFingerprintSha256 ?? "not generated yet (created at the first start of serve)"}");
        Console.WriteLine($"listening on:    {report.Bind}");
        foreach (var (name, port) in report.Ports)
        {
            Console.WriteLine($"  {name,-12} {(port == 0 ? "off" : port.ToString(System.Globalization.CultureInfo.InvariantCulture))}");
        }

        return Cli.Ok;
    }
}

internal sealed class StatusReport
{
    public string DataPath { get; set; } = "";

    public int Accounts { get; set; }

    public QueueStatus Queue { get; set; } = new();

    public string[] Domains { get; set; } = [];

    public string? TlsFingerprintSha256 { get; set; }

    public string Bind { get; set; } = "";

    public Dictionary<string, int> Ports { get; set; } = [];
}

/// <summary>The relay queue: messages, recipients still to send, and of those the ones already retried.</summary>
internal sealed class QueueStatus
{
    public int Messages { get; set; }

    public int Recipients { get; set; }

    public int Deferred { get; set; }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StatusReport))]
internal sealed partial class StatusJsonContext : JsonSerializerContext;
