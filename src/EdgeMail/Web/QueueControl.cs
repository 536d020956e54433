using EdgeMail.Smtp.Relay;
using EdgeMail.Store;
using EdgeMail.Web.Hosting;

namespace EdgeMail.Web;

/// <summary>The host's side of <see cref="IQueueControl"/>: the same store calls and relay signal as <c>queue flush</c> and <c>queue delete</c>.</summary>
internal sealed class QueueControl(MailStore store, RelayQueueSignal signal) : IQueueControl
{
    public async Task<int> RetryNowAsync(CancellationToken cancellationToken)
    {
        var count = await store.FlushQueueAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        signal.Notify();
        return count;
    }

    public Task<bool> DeleteAsync(long id, CancellationToken cancellationToken) => store.DeleteQueuedAsync(id, cancellationToken);
}
