using MailKit;
using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using EdgeMail.Testing;

namespace EdgeMail.Tests;

/// <summary>The real program under `serve`: start, generated certificate, TLS, SIGTERM.</summary>
public sealed class ServeTests : IDisposable
{
    private readonly TempFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Serve_generates_a_certificate_answers_TLS_and_stops_on_SIGTERM_with_exit_0()
    {
        var imaps = EdgeMailProcess.FreePort();
        var smtp = EdgeMailProcess.FreePort();
        using var serve = StartServe(imaps, smtp);
        await WaitForLineAsync(serve, "EdgeMail serving");

        var status = await EdgeMailProcess.RunAsync(["status", "--json", "--data", _data.Path]);
        Assert.Equal(0, status.ExitCode);
        var fingerprint = JsonDocument.Parse(status.Stdout).RootElement.GetProperty("tlsFingerprintSha256").GetString();
        Assert.NotNull(fingerprint);

        using (var client = new TcpClient())
        {
            await client.ConnectAsync("127.0.0.1", imaps);
            string? seen = null;
            using var tls = new SslStream(client.GetStream(), false, (_, cert, _, _) =>
            {
                seen = Convert.ToHexString(SHA256.HashData(cert!.GetRawCertData()));
                return true;
            });
            await tls.AuthenticateAsClientAsync("localhost");
            Assert.True(tls.SslProtocol >= System.Security.Authentication.SslProtocols.Tls12);
            Assert.Equal(fingerprint!.Replace(":", string.Empty, StringComparison.Ordinal), seen);
            using var reader = new StreamReader(tls);
            Assert.StartsWith("* OK [CAPABILITY IMAP4rev1 IMAP4rev2", await reader.ReadLineAsync(), StringComparison.Ordinal);
        }

        // A user added while the service runs logs in over IMAPS at once and finds the default mailboxes.
        var added = await EdgeMailProcess.RunAsync(["user", "add", "ann@edgemail.local", "--password-stdin", "--data", _data.Path], stdin: "s3cret words\n");
        Assert.Equal(0, added.ExitCode);
        using (var imap = new MailKit.Net.Imap.ImapClient { ServerCertificateValidationCallback = (_, _, _, _) => true })
        {
            await imap.ConnectAsync("127.0.0.1", imaps, MailKit.Security.SecureSocketOptions.SslOnConnect);
            await imap.AuthenticateAsync("ann@edgemail.local", "s3cret words");
            var message = new MimeKit.MimeMessage { Subject = "hello", Body = new MimeKit.TextPart("plain") { Text = "hi" } };
            message.From.Add(new MimeKit.MailboxAddress("Bob", "bob@example.org"));
            var uid = await imap.Inbox.AppendAsync(message);
            Assert.NotNull(uid);
            await imap.Inbox.OpenAsync(MailKit.FolderAccess.ReadOnly);
            Assert.Equal(1, imap.Inbox.Count);
            await imap.DisconnectAsync(true);
        }

        // A second service on the same data folder is refused.
        var second = await EdgeMailProcess.RunAsync(["serve", "--data", _data.Path, "--Imap:Port=0", "--Imap:TlsPort=0", "--Pop3:Port=0", "--Pop3:TlsPort=0", "--Smtp:Port=0", "--Smtp:SubmissionPort=0", "--Smtp:TlsPort=0"]);
        Assert.Equal(1, second.ExitCode);
        Assert.Contains("in use", second.Stderr, StringComparison.Ordinal);

        var stopwatch = Stopwatch.StartNew();
        EdgeMailProcess.SendSignal(serve, "TERM");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await serve.WaitForExitAsync(cts.Token);
        Assert.Equal(0, serve.ExitCode);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(15), $"stopping took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task The_generated_certificate_is_kept_across_restarts()
    {
        string Fingerprint(string json) => JsonDocument.Parse(json).RootElement.GetProperty("tlsFingerprintSha256").GetString()!;
        for (var round = 0; round < 2; round++)
        {
            using var serve = StartServe(EdgeMailProcess.FreePort(), EdgeMailProcess.FreePort());
            await WaitForLineAsync(serve, "EdgeMail serving");
            EdgeMailProcess.SendSignal(serve, "TERM");
            await serve.WaitForExitAsync();
            Assert.Equal(0, serve.ExitCode);
        }

        var first = Fingerprint((await EdgeMailProcess.RunAsync(["status", "--json", "--data", _data.Path])).Stdout);
        // The CA and the certificate it issued, each made once.
        Assert.Equal(["ca.crt.pem", "edgemail.crt.pem"], Directory.GetFiles(Path.Combine(_data.Path, "tls"), "*.crt.pem").Select(Path.GetFileName).Order());
        Assert.Equal(first, Fingerprint((await EdgeMailProcess.RunAsync(["status", "--json", "--data", _data.Path])).Stdout));
    }

    private Process StartServe(int imaps, int smtp)
    {
        var info = EdgeMailProcess.StartInfo([
            "serve", "--data", _data.Path,
            "--Imap:Port=0", $"--Imap:TlsPort={imaps}", "--Pop3:Port=0", "--Pop3:TlsPort=0",
            $"--Smtp:Port={smtp}", "--Smtp:SubmissionPort=0", "--Smtp:TlsPort=0"]);
        var process = Process.Start(info)!;
        process.StandardInput.Close();
        return process;
    }

    private static async Task WaitForLineAsync(Process process, string marker)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(cts.Token);
            if (line is null)
            {
                var stderr = await process.StandardError.ReadToEndAsync();
                Assert.Fail($"edgemail exited before '{marker}': {stderr}");
            }

            if (line!.Contains(marker, StringComparison.Ordinal))
            {
                // Keep draining output so the child never blocks on a full pipe.
                _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                _ = process.StandardError.ReadToEndAsync(CancellationToken.None);
                return;
            }
        }
    }
}
