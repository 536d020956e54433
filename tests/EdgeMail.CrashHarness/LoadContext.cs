using System.Collections.Concurrent;
using System.Globalization;

namespace EdgeMail.CrashHarness;

/// <summary>What the load workers of one round share: the ledger, the server's ports, and whether it has been killed.</summary>
internal sealed class LoadContext(Ledger ledger, ServerInstance server, int round, int seed) : IDisposable
{
    private readonly CancellationTokenSource _killed = new();
    private int _counter;
    private volatile bool _isKilled;

    public Ledger Ledger { get; } = ledger;

    public ServerInstance Server { get; } = server;

    /// <summary>Cancelled only after the kill, to unblock whatever still waits on the dead server.</summary>
    public CancellationToken Stopping => _killed.Token;

    public bool Killed => _isKilled;

    /// <summary>Errors while the server was alive: every one is a violation (the server refused or broke a request).</summary>
    public ConcurrentQueue<string> Failures { get; } = new();

    public int Acknowledged;
    public int AcknowledgedRelay;
    public int Operations;

    public string NewToken(string kind, int worker) =>
        string.Create(CultureInfo.InvariantCulture, $"s{seed}-r{round}-{kind}{worker}-{Interlocked.Increment(ref _counter)}");

    /// <summary>Marks the kill before the signal goes, so that no failure after it is counted as the server's.</summary>
    public void MarkKilled() => _isKilled = true;

    public Task CancelWaitsAsync() => _killed.CancelAsync();

    /// <summary>A worker's operation threw: expected once the server is killed, a violation before.</summary>
    public void Failed(string worker, string operation, Exception ex)
    {
        if (!Killed)
        {
            Failures.Enqueue($"{worker}: {operation} failed while the server was running: {ex.GetType().Name}: {ex.Message}");
        }
    }

    public void Dispose() => _killed.Dispose();
}
