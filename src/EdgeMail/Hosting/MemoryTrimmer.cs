using System.Diagnostics;
using EdgeMail.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Hosting;

/// <summary>
/// Returns the memory a burst left behind to the system once the server is quiet again (see
/// <see cref="MemoryOptions"/>): the store's idle database connections, one blocking, compacting, aggressive
/// collection, which also decommits the free regions, and then the free pages of the native heap. It runs only after a quiet period, so it never pauses a busy server; on a small heap it takes a few
/// milliseconds.
/// </summary>
internal sealed partial class MemoryTrimmer(MemoryOptions options, MailStore store, TimeProvider time, ILogger<MemoryTrimmer> logger) : BackgroundService
{
    private static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.TrimAfterQuiet <= TimeSpan.Zero)
        {
            return;
        }

        var period = options.TrimAfterQuiet < SampleInterval ? options.TrimAfterQuiet : SampleInterval;
        var start = time.GetTimestamp();
        // Counting from zero, the garbage of starting up (configuration, DI, opening the store) is trimmed too.
        var policy = new MemoryTrimPolicy(options, 0, TimeSpan.Zero);
        using var timer = new PeriodicTimer(period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (!policy.Sample(GC.GetTotalAllocatedBytes(), time.GetElapsedTime(start)))
                {
                    continue;
                }

                long committed = GC.GetGCMemoryInfo().TotalCommittedBytes;
                var watch = Stopwatch.StartNew();
                // The store's idle database connections first: their native caches go, and their wrappers with the heap.
                store.ReleaseMemory();
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                // Then the native heap those connections (and finalized handles) freed.
                Interop.Malloc.Trim();
                policy.Trimmed(GC.GetTotalAllocatedBytes());
                Trimmed(logger, committed / 1024, GC.GetGCMemoryInfo().TotalCommittedBytes / 1024, watch.Elapsed.TotalMilliseconds);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Debug, Message = "Quiet after a burst: heap trimmed from {BeforeKiB} KiB to {AfterKiB} KiB committed in {Milliseconds:F1} ms")]
    private static partial void Trimmed(ILogger logger, long beforeKiB, long afterKiB, double milliseconds);
}
