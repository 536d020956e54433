using System.Diagnostics;
using System.Text.Json;
using EdgeMail.Store;
using EdgeMail.Testing;

namespace EdgeMail.Tests;

/// <summary>`edgemail sendmail`, `edgemail queue list|flush|delete` and the queue counts of `status`, on the real program.</summary>
public sealed class QueueAndSendmailTests : IDisposable
{
    private readonly TempFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Sendmail_delivers_locally_and_queues_the_rest_which_queue_list_status_flush_and_delete_show()
    {
        var smtp = EdgeMailProcess.FreePort();
        var deadUpstream = EdgeMailProcess.FreePort();
        string[] settings = ["--data", _data.Path, $"--Smtp:Port={smtp}", "--Smtp:SubmissionPort=0", "--Smtp:TlsPort=0",
            "--Relay:Host=127.0.0.1", $"--Relay:Port={deadUpstream}", "--Relay:Security=None"];
        Assert.Equal(0, (await EdgeMailProcess.RunAsync(["user", "add", "alice@edgemail.local", "--password-stdin", "--data", _data.Path], "correct horse\n")).ExitCode);
        using var serve = Process.Start(EdgeMailProcess.StartInfo([
            "serve", .. settings, "--Imap:Port=0", "--Imap:TlsPort=0", "--Pop3:Port=0", "--Pop3:TlsPort=0"]))!;
        serve.StandardInput.Close();
        try
        {
            await WaitForLineAsync(serve, "EdgeMail serving");

            // cron's way: -t takes the recipients from the header, -i keeps a lone dot as text.
            var message = "To: alice@edgemail.local, friend@example.net\nSubject: nightly backup\n\nbackup done\n.\nstill the body\n";
            var sent = await EdgeMailProcess.RunAsync(["sendmail", "-t", "-i", "-F", "Cron Daemon", "-f", "root@edgemail.local", .. settings], message);
            Assert.True(sent.ExitCode == 0, sent.Stderr);

            var list = await EdgeMailProcess.RunAsync(["queue", "list", .. settings]);
            Assert.Equal(0, list.ExitCode);
            Assert.Contains("from <root@edgemail.local>", list.Stdout, StringComparison.Ordinal);
            Assert.Contains("<friend@example.net>", list.Stdout, StringComparison.Ordinal);
            var id = list.Stdout.Split(' ', 2)[0];

            var status = await EdgeMailProcess.RunAsync(["status", "--json", .. settings]);
            using (var json = JsonDocument.Parse(status.Stdout))
            {
                Assert.Equal(1, json.RootElement.GetProperty("queue").GetProperty("messages").GetInt32());
                Assert.Equal(1, json.RootElement.GetProperty("queue").GetProperty("recipients").GetInt32());
                Assert.Equal(300, json.RootElement.GetProperty("outboundLimitPerHour").GetInt32());
                Assert.Empty(json.RootElement.GetProperty("outboundLimited").EnumerateArray());
            }

            var text = await EdgeMailProcess.RunAsync(["status", .. settings]);
            Assert.Contains("relay queue:     1 message(s)", text.Stdout, StringComparison.Ordinal);
            Assert.Contains("outbound limit:  at most 300 messages an hour per account (Relay:MaxMessagesPerHour)\n", text.Stdout, StringComparison.Ordinal);

            var flush = await EdgeMailProcess.RunAsync(["queue", "flush", .. settings]);
            Assert.Equal(0, flush.ExitCode);

            var delete = await EdgeMailProcess.RunAsync(["queue", "delete", id, .. settings]);
            Assert.True(delete.ExitCode == 0, delete.Stderr);
            Assert.Contains("empty", (await EdgeMailProcess.RunAsync(["queue", "list", .. settings])).Stdout, StringComparison.Ordinal);
            Assert.Equal(1, (await EdgeMailProcess.RunAsync(["queue", "delete", id, .. settings])).ExitCode);

            // The local copy is in alice's INBOX, from the service that sendmail talked to.
            await using var store = MailStore.Open(new StoreOptions { Path = _data.Path }, StoreOpenMode.Admin);
            var account = (await store.FindAccountAsync("alice@edgemail.local"))!;
            var inbox = (await store.GetMailboxAsync(account.Id, "INBOX"))!;
            var record = await store.EnumerateAsync(inbox.Id).SingleAsync();
            await using var body = await store.OpenBodyAsync(record.BodyId);
            var bytes = new MemoryStream();
            await body.CopyToAsync(bytes);
            var delivered = System.Text.Encoding.UTF8.GetString(bytes.ToArray());
            Assert.StartsWith("Received: from ", delivered, StringComparison.Ordinal);
            Assert.Contains("From: Cron Daemon <root@edgemail.local>", delivered, StringComparison.Ordinal);
            Assert.Contains("backup done\r\n.\r\nstill the body", delivered, StringComparison.Ordinal);
        }
        finally
        {
            EdgeMailProcess.SendSignal(serve, "TERM");
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await serve.WaitForExitAsync(cts.Token);
        }
    }

    [Fact]
    public async Task Sendmail_without_a_running_service_fails_at_once_with_one_line_and_EX_TEMPFAIL()
    {
        var result = await EdgeMailProcess.RunAsync(["sendmail", "someone@example.net", "--data", _data.Path, $"--Smtp:Port={EdgeMailProcess.FreePort()}"], "Subject: x\n\nbody\n");
        Assert.Equal(75, result.ExitCode);
        Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.Contains("is `edgemail serve` running?", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("queue")]
    [InlineData("queue", "frob")]
    [InlineData("queue", "delete")]
    [InlineData("queue", "delete", "abc")]
    [InlineData("sendmail", "-X")]
    public async Task Bad_queue_and_sendmail_usage_exits_2(params string[] args)
    {
        var result = await EdgeMailProcess.RunAsync([.. args, "--data", _data.Path], "Subject: x\n\nbody\n");
        Assert.Equal(2, result.ExitCode);
    }

    private static async Task WaitForLineAsync(Process process, string marker)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(cts.Token);
            if (line is null)
            {
                Assert.Fail($"edgemail exited before '{marker}': {await process.StandardError.ReadToEndAsync()}");
            }

            if (line!.Contains(marker, StringComparison.Ordinal))
            {
                _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                _ = process.StandardError.ReadToEndAsync(CancellationToken.None);
                return;
            }
        }
    }
}
