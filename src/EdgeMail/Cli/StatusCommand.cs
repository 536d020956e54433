using System.Globalization;
using System.Text.Json;
using EdgeMail.Control;

namespace EdgeMail.Cli;

/// <summary>
/// `edgemail status [--json]`: asks the running service over the control channel (what it really listens on), or
/// without one reads the data folder; a folder without a database is reported as such and nothing is created.
/// </summary>
internal static class StatusCommand
{
    public static async Task<int> RunAsync(VerbContext context, bool json, CancellationToken cancellationToken)
    {
        var settings = context.Settings;
        var dataPath = context.DataPath;
        var answer = await ControlClient.TryAsync(dataPath, new ControlRequest { Verb = "status" }, settings.Control, cancellationToken).ConfigureAwait(false);
        if (answer is { Error: not null })
        {
            return QueueCommands.Report(answer);
        }

        var report = answer?.Status;
        if (report is null)
        {
            report = StatusReport.FromSettings(settings, dataPath);
            if (File.Exists(DataFolder.DatabasePath(dataPath)))
            {
                await using var store = DataFolder.OpenAdmin(settings);
                await report.AddStoreAsync(store, cancellationToken).ConfigureAwait(false);
            }
        }

        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(report, StatusJsonContext.Default.StatusReport));
            return CliProgram.Ok;
        }

        Print(report);
        return CliProgram.Ok;
    }

    private static void Print(StatusReport report)
    {
        var store = report.StoreExists ? "" : " (no mail store yet: `edgemail serve` or `edgemail user add` creates it)";
        Console.WriteLine($"data folder:     {report.DataPath}{store}");
        Console.WriteLine($"service:         {(report.Running ? "running" : "not running")}");
        Console.WriteLine($"accounts:        {report.Accounts}");
        Console.WriteLine($"domains:         {string.Join(", ", report.Domains)}");
        Console.WriteLine($"relay queue:     {report.Queue.Messages} message(s), {report.Queue.Recipients} recipient(s) to send, {report.Queue.Deferred} deferred");
        Console.WriteLine(report.OutboundPossible
            ? $"outbound mail:   through {report.Relay}"
            : "outbound mail:   cannot leave: no Relay:Host is configured (set it to the provider's submission server)");
        if (report.OutboundPossible)
        {
            var limit = report.OutboundLimitPerHour == 0 ? "no limit per sender (Relay:MaxMessagesPerHour 0)" : string.Create(CultureInfo.InvariantCulture, $"at most {report.OutboundLimitPerHour} messages an hour per account (Relay:MaxMessagesPerHour)");
            var held = report.OutboundLimited.Count == 0 ? "" : "; held back now: " + string.Join(", ", report.OutboundLimited);
            Console.WriteLine($"outbound limit:  {limit}{held}");
        }
        Console.WriteLine($"TLS certificate: {report.Tls.FingerprintSha256 ?? "not generated yet (created at the first start of serve)"}");
        Console.WriteLine(report.Tls.Configured
            ? "TLS CA:          none (Tls:CertificatePath is configured)"
            : $"TLS CA:          {report.Tls.CaFingerprintSha256 ?? "not created yet (created at the first start of serve)"} (trust it once on each device; see the README)");
        Console.WriteLine(report.Pairing.Open
            ? string.Create(CultureInfo.InvariantCulture, $"pairing window:  open, {report.Pairing.SecondsLeft} s left (edgemail pair --close ends it)")
            : report.Running ? "pairing window:  closed (edgemail pair, or hold the button, opens it)" : "pairing window:  closed (the service is not running)");
        if (report.Running)
        {
            Console.WriteLine(report.Listening.Count == 0 ? "listening on:    nothing" : "listening on:");
            foreach (var l in report.Listening)
            {
                var endpoint = l.Address.Contains(':', StringComparison.Ordinal) ? $"[{l.Address}]:{l.Port}" : $"{l.Address}:{l.Port}";
                Console.WriteLine($"  {l.Protocol,-12} {endpoint,-22} {(l.Tls == "implicit" ? "implicit TLS" : "STARTTLS")}");
            }

            PrintDevice(report.Device);
            PrintBackup(report.Backup);
            FetchCommands.Print(report.Fetch, running: true, indent: "  ", header: "fetch accounts:");
            return;
        }

        Console.WriteLine("device:          shown while the service runs");
        FetchCommands.Print(report.Fetch, running: false, indent: "  ", header: "fetch accounts:");

        // Nothing listens while no service runs: these are the ports serve would take.
        Console.WriteLine($"listening on:    nothing (the service is not running); serve would listen on {report.Bind}:");
        foreach (var (name, port) in report.Ports)
        {
            Console.WriteLine($"  {name,-12} {(port == 0 ? "off" : port.ToString(CultureInfo.InvariantCulture))}");
        }
    }

    private static void PrintBackup(EdgeMail.Backup.BackupStatus? backup)
    {
        if (backup is null)
        {
            Console.WriteLine("backup:          none scheduled (set Backup:Path, or run edgemail backup DEST)");
            return;
        }

        var last = backup.LastSuccess is { } at ? string.Create(CultureInfo.InvariantCulture, $"last {at:yyyy-MM-dd HH:mm}Z ({backup.Messages} messages)") : "none yet";
        var failed = backup.LastError is { } error ? $"; the last attempt failed: {error}" : "";
        var next = backup.NextAt is { } due ? string.Create(CultureInfo.InvariantCulture, $"; next {due:yyyy-MM-dd HH:mm}Z") : "";
        Console.WriteLine($"backup:          to {backup.Path}, {last}{failed}{next}");
    }

    private static void PrintDevice(EdgeMail.Device.DeviceStatus? device)
    {
        if (device is null)
        {
            return;
        }

        Console.WriteLine(device.Available
            ? $"device:          {device.Driver} driver{(device.BoardModel is { } model ? ", " + model : "")}"
            : $"device:          unavailable ({device.UnavailableReason}); mail flows regardless");
        Console.WriteLine($"  mail LED       {device.MailLed.Pattern} ({device.MailLed.Output})");
        Console.WriteLine($"  status LED     {device.StatusLed.Pattern} ({device.StatusLed.Output}){(device.Attention.Count > 0 ? ": " + string.Join(", ", device.Attention) : "")}");
        Console.WriteLine($"  button         {device.Button.LastEvent}{(device.Button.LastEventAt is { } at ? " at " + at.ToString("u", CultureInfo.InvariantCulture) : "")} ({device.Button.Input})");
        if (device.SocTemperatureCelsius is { } celsius)
        {
            var throttling = device.Throttling is { Count: > 0 } flags ? ", " + string.Join(", ", flags) : "";
            Console.WriteLine($"  SoC            {celsius.ToString("F1", CultureInfo.InvariantCulture)} °C{throttling}");
        }
    }
}
