using System.Globalization;
using EdgeMail.Testing;

namespace EdgeMail.CrashHarness;

/// <summary>One run of `edgemail serve` on the data folder: IMAP, POP3 and SMTP on fresh loopback ports, relaying to the sink.</summary>
internal sealed class ServerInstance
{
    private ServerInstance(ServeProcess serve, int generation, int imap, int pop3, int smtp)
    {
        Serve = serve;
        Generation = generation;
        ImapPort = imap;
        Pop3Port = pop3;
        SmtpPort = smtp;
    }

    public ServeProcess Serve { get; }

    public int Generation { get; }

    public int ImapPort { get; }

    public int Pop3Port { get; }

    public int SmtpPort { get; }

    public static async Task<ServerInstance> StartAsync(string program, string data, int sinkPort, int generation)
    {
        var imap = EdgeMailProcess.FreePort();
        var pop3 = EdgeMailProcess.FreePort();
        var smtp = EdgeMailProcess.FreePort();
        var args = ServeProcess.OnlyArguments(data, ("Imap:Port", imap), ("Pop3:Port", pop3), ("Smtp:Port", smtp));
        args.AddRange([
            "--Relay:Host=127.0.0.1", "--Relay:Port=" + sinkPort.ToString(CultureInfo.InvariantCulture), "--Relay:Security=None",
            // Hundreds of rounds relay from one client: the per-sender hourly limit is not what is tested here.
            "--Relay:MaxMessagesPerHour=0"]);
        var serve = await ServeProcess.StartAsync(EdgeMailProcess.StartInfoFor(program, args), TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        return new ServerInstance(serve, generation, imap, pop3, smtp);
    }

    /// <summary>SIGKILL, then waits until the process is gone; returns what it wrote to stderr.</summary>
    public async Task<string> KillAsync()
    {
        Serve.Process.Kill(entireProcessTree: false); // SIGKILL on Linux
        await Serve.Process.WaitForExitAsync().ConfigureAwait(false);
        var output = await Serve.Drained.ConfigureAwait(false);
        Serve.Process.Dispose();
        return output[1];
    }

    /// <summary>SIGKILL without waiting, for when the harness itself is interrupted.</summary>
    public void KillQuietly()
    {
        try
        {
            Serve.Process.Kill(entireProcessTree: false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    public async Task StopAsync()
    {
        await Serve.StopAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        Serve.Process.Dispose();
    }
}
