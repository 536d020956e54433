using System.Diagnostics;
using EdgeMail.Testing;
using EdgeMail.Testing.Tools;

namespace EdgeMail.Tests;

/// <summary>The relay queue across a SIGKILL of the real program, against a real upstream (Debian's python3-aiosmtpd).</summary>
public sealed class QueueRestartTests : IDisposable
{
    private const string UpstreamScript = """
        import os, sys, uuid
        from aiosmtpd.controller import Controller
        port, out = int(sys.argv[1]), sys.argv[2]
        class Handler:
            async def handle_DATA(self, server, session, envelope):
                name = os.path.join(out, uuid.uuid4().hex + '.eml')
                with open(name + '.tmp', 'wb') as f:
                    f.write(('X-Envelope-To: %s\r\n' % ','.join(envelope.rcpt_tos)).encode())
                    f.write(envelope.original_content or envelope.content)
                os.rename(name + '.tmp', name)
                return '250 2.0.0 OK'
        c = Controller(Handler(), hostname='127.0.0.1', port=port)
        c.start()
        print('READY', flush=True)
        sys.stdin.read()
        c.stop()
        """;

    private readonly TempFolder _data = new();
    private readonly TempFolder _received = new();

    public void Dispose()
    {
        _data.Dispose();
        _received.Dispose();
    }

    [Fact]
    public async Task Queued_mail_survives_SIGKILL_and_is_sent_exactly_once_when_the_upstream_is_back()
    {
        ExternalTool.RequirePythonModule("aiosmtpd", "python3-aiosmtpd");

        var smtp = EdgeMailProcess.FreePort();
        var upstreamPort = EdgeMailProcess.FreePort();
        string[] settings = ["--data", _data.Path, $"--Smtp:Port={smtp}", "--Smtp:SubmissionPort=0", "--Smtp:TlsPort=0",
            "--Relay:Host=127.0.0.1", $"--Relay:Port={upstreamPort}", "--Relay:Security=None"];
        string[] serveArgs = ["serve", .. settings, "--Imap:Port=0", "--Imap:TlsPort=0", "--Pop3:Port=0", "--Pop3:TlsPort=0"];

        using (var first = (await ServeProcess.StartAsync(serveArgs, TimeSpan.FromSeconds(30))).Process)
        {
            var sent = await EdgeMailProcess.RunAsync(["sendmail", "-f", "root@edgemail.local", "friend@example.net", .. settings], "Subject: survive\n\nkeep me\n");
            Assert.True(sent.ExitCode == 0, sent.Stderr);
            await Eventually.TrueAsync(async () => (await EdgeMailProcess.RunAsync(["queue", "list", .. settings])).Stdout.Contains("1 attempt(s)", StringComparison.Ordinal), "a failed attempt", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100));
            EdgeMailProcess.SendSignal(first, "KILL");
            await first.WaitForExitAsync();
        }

        using var upstream = Process.Start(new ProcessStartInfo("/usr/bin/python3", ["-c", UpstreamScript, upstreamPort.ToString(System.Globalization.CultureInfo.InvariantCulture), _received.Path])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        })!;
        try
        {
            Assert.Equal("READY", await upstream.StandardOutput.ReadLineAsync());
            using var second = (await ServeProcess.StartAsync(serveArgs, TimeSpan.FromSeconds(30))).Process;
            try
            {
                await Eventually.TrueAsync(() => Task.FromResult(Directory.GetFiles(_received.Path, "*.eml").Length == 1), "the message upstream", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100));
                await Eventually.TrueAsync(async () => (await EdgeMailProcess.RunAsync(["queue", "list", .. settings])).Stdout.Contains("empty", StringComparison.Ordinal), "an empty queue", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100));
            }
            finally
            {
                EdgeMailProcess.SendSignal(second, "TERM");
                await second.WaitForExitAsync();
            }

            var received = Assert.Single(Directory.GetFiles(_received.Path, "*.eml"));
            var text = await File.ReadAllTextAsync(received);
            Assert.Contains("X-Envelope-To: friend@example.net", text, StringComparison.Ordinal);
            Assert.Contains("keep me", text, StringComparison.Ordinal);
        }
        finally
        {
            upstream.StandardInput.Close();
            await upstream.WaitForExitAsync();
        }
    }
}
