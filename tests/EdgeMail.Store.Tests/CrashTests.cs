using System.Diagnostics;
using EdgeMail.Store.CrashWriter;
using EdgeMail.Testing;

namespace EdgeMail.Store.Tests;

/// <summary>
/// The durability contract under a real crash: a child process appends with several writers and is
/// killed with SIGKILL at a random moment; after reopening, every message it was told was stored is
/// there byte for byte, and nothing half-written is visible.
/// </summary>
public sealed class CrashTests
{
    [Fact]
    public async Task Every_acknowledged_message_survives_SIGKILL_and_nothing_partial_is_visible()
    {
        using var data = new TempFolder();
        var acknowledged = new Dictionary<uint, long>();
        for (var round = 0; round < 3; round++)
        {
            var info = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                ArgumentList = { Path.Combine(AppContext.BaseDirectory, "EdgeMail.Store.CrashWriter.dll"), data.Path, "4" },
            };
            using var child = Process.Start(info)!;
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            Assert.Equal("ready", await child.StandardError.ReadLineAsync(cts.Token));

            // Kill in the middle of the stream of appends: after a random number of acknowledgements this round,
            // while the writers go on appending.
            var killAfter = 20 + Random.Shared.Next(200);
            var seen = 0;
            var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var reading = Task.Run(async () =>
            {
                while (await child.StandardOutput.ReadLineAsync(CancellationToken.None) is { } line)
                {
                    var parts = line.Split(' ');
                    lock (acknowledged)
                    {
                        acknowledged[uint.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)] = long.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
                    }

                    if (++seen == killAfter)
                    {
                        enough.TrySetResult();
                    }
                }

                enough.TrySetException(new InvalidOperationException($"the writer ended after {seen} acknowledgements"));
            });
            await enough.Task.WaitAsync(cts.Token);

            EdgeMailProcess.SendSignal(child, "KILL");
            await child.WaitForExitAsync(cts.Token);
            await reading;
        }

        Assert.True(acknowledged.Count > 10, $"only {acknowledged.Count} appends were acknowledged");

        await using var store = MailStore.Open(new StoreOptions { Path = data.Path });
        var account = (await store.FindAccountAsync("crash@edgemail.local"))!;
        var inbox = (await store.GetMailboxAsync(account.Id, "INBOX"))!;
        var present = new Dictionary<uint, Messages.MessageRecord>();
        await foreach (var message in store.EnumerateAsync(inbox.Id))
        {
            present[message.Uid] = message;
        }

        foreach (var (uid, index) in acknowledged)
        {
            Assert.True(present.ContainsKey(uid), $"acknowledged UID {uid} is missing after the crash");
        }

        // Every visible message, acknowledged or not (killed between commit and print), is whole.
        foreach (var message in present.Values)
        {
            await using var body = await store.OpenBodyAsync(message.BodyId);
            using var copy = new MemoryStream();
            await body.CopyToAsync(copy);
            var text = System.Text.Encoding.ASCII.GetString(copy.ToArray());
            var subject = text.Split("\r\n")[1];
            var index = long.Parse(subject["Subject: message ".Length..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(CrashMessage.Build(index), copy.ToArray());
            if (acknowledged.TryGetValue(message.Uid, out var expected))
            {
                Assert.Equal(expected, index);
            }
        }
    }
}
