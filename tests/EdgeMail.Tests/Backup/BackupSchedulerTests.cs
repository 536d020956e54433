using EdgeMail.Backup;
using EdgeMail.Store;
using EdgeMail.Store.Accounts;
using EdgeMail.Store.Messages;
using EdgeMail.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeMail.Tests.Backup;

/// <summary>The scheduled backup on a manual clock: when it runs, what status says after a success and a failure.</summary>
public sealed class BackupSchedulerTests : IDisposable
{
    private readonly TempFolder _data = new();
    private readonly TempFolder _target = new();

    public void Dispose()
    {
        _data.Dispose();
        _target.Dispose();
    }

    [Fact]
    public async Task The_first_backup_runs_a_minute_after_start_then_every_interval_and_status_shows_the_last_result()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 12, 1, 3, 0, 0, TimeSpan.Zero));
        await using var store = await StoreWithMailAsync();
        var destination = Path.Combine(_target.Path, "usb");
        var options = new BackupOptions { Path = destination, Interval = TimeSpan.FromHours(6) };
        using var scheduler = new BackupScheduler(options, store, configFile: null, clock, NullLogger<BackupScheduler>.Instance);
        await scheduler.StartAsync(CancellationToken.None);

        await Eventually.TrueAsync(() => clock.PendingTimers > 0, "the scheduler waiting");
        Assert.Null(scheduler.Status.LastSuccess);
        Assert.Equal(clock.GetUtcNow().AddMinutes(1), scheduler.Status.NextAt);
        Assert.False(Directory.Exists(destination));

        clock.Advance(TimeSpan.FromMinutes(1));
        await Eventually.TrueAsync(() => scheduler.Status.LastSuccess is not null, "the first backup");
        var first = scheduler.Status;
        Assert.Equal(2, first.Messages);
        Assert.Null(first.LastError);
        Assert.Equal(first.LastSuccess!.Value + options.Interval, first.NextAt);
        Assert.True(File.Exists(Path.Combine(destination, "manifest.json")));

        // The destination disappears (the stick is pulled): the next run fails, says so, keeps the last success, retries in an hour.
        Directory.Delete(destination, recursive: true);
        await File.WriteAllTextAsync(destination, "not a folder");
        await Eventually.TrueAsync(() => clock.PendingTimers > 0, "the scheduler waiting again");
        clock.Advance(options.Interval);
        await Eventually.TrueAsync(() => scheduler.Status.LastError is not null, "the failed backup");
        var failed = scheduler.Status;
        Assert.Equal(first.LastSuccess, failed.LastSuccess);
        Assert.Equal(failed.LastAttempt!.Value + TimeSpan.FromHours(1), failed.NextAt);

        await scheduler.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_recent_backup_found_at_start_is_not_repeated_until_it_falls_due()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 12, 1, 3, 0, 0, TimeSpan.Zero));
        await using var store = await StoreWithMailAsync();
        var destination = Path.Combine(_target.Path, "nas");
        EdgeMail.Store.Backup.StoreBackup.Create(store.DataPath, destination, null, "test", clock);
        clock.Advance(TimeSpan.FromHours(2));

        var options = new BackupOptions { Path = destination, Interval = TimeSpan.FromHours(24) };
        using var scheduler = new BackupScheduler(options, store, configFile: null, clock, NullLogger<BackupScheduler>.Instance);
        await scheduler.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => clock.PendingTimers > 0, "the scheduler waiting");
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 3, 0, 0, TimeSpan.Zero), scheduler.Status.LastSuccess);
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 3, 0, 0, TimeSpan.Zero), scheduler.Status.NextAt);
        await scheduler.StopAsync(CancellationToken.None);
    }

    private async Task<MailStore> StoreWithMailAsync()
    {
        var store = MailStore.Open(new StoreOptions { Path = _data.Path });
        var account = await store.CreateAccountAsync("ann@edgemail.local", new ScramCredential(new byte[16], 4096, new byte[32], new byte[32]));
        var inbox = (await store.GetMailboxAsync(account.Id, "INBOX"))!;
        foreach (var subject in new[] { "one", "two" })
        {
            await store.AppendAsync(inbox.Id, new AppendRequest(new MemoryStream(System.Text.Encoding.ASCII.GetBytes($"Subject: {subject}\r\n\r\nbody\r\n")), MessageFlags.None, [], null));
        }

        return store;
    }
}
