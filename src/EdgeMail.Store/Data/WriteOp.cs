using EdgeMail.Store.Bodies;
using EdgeMail.Store.Changes;

namespace EdgeMail.Store.Data;

/// <summary>
/// One write waiting for the writer loop: optionally a body to place, then its database work, run
/// inside the batch's transaction under a savepoint of its own so that one failing write does not
/// fail the others of its batch.
/// </summary>
internal abstract class WriteOp
{
    /// <summary>A small body to append to the shared segment (exact length in <see cref="InlineLength"/>).</summary>
    public byte[]? Inline { get; set; }

    public int InlineLength { get; set; }

    /// <summary>A large body already staged and fsynced by the caller.</summary>
    public StagedBody? Staged { get; set; }

    /// <summary>Where the loop put the body, for <see cref="Execute"/> to record.</summary>
    public BodyLocation? Location { get; set; }

    public List<MailboxChange> Changes { get; } = [];

    public List<BodyLocation> Reclaimed { get; } = [];

    public List<long> SegmentsMaybeDead { get; } = [];

    public abstract void Execute(WriteTx tx);

    public abstract void Complete();

    public abstract void Fail(Exception error);
}

internal sealed class WriteOp<T>(Func<WriteTx, WriteOp, T> work) : WriteOp
{
    private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T? _result;

    public Task<T> Task => _done.Task;

    public override void Execute(WriteTx tx) => _result = work(tx, this);

    public override void Complete() => _done.TrySetResult(_result!);

    public override void Fail(Exception error) => _done.TrySetException(error);
}
