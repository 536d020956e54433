namespace EdgeMail.Web.Hosting;

/// <summary>
/// The relay queue's actions that need the running relay (the host implements them with the code of
/// <c>edgemail queue flush</c> and <c>queue delete</c>): retry now, delete one message.
/// </summary>
public interface IQueueControl
{
    /// <summary>Makes every waiting recipient due now and wakes the relay; the number of recipients.</summary>
    Task<int> RetryNowAsync(CancellationToken cancellationToken);

    /// <summary>Deletes a queued message; false if there is no such message.</summary>
    Task<bool> DeleteAsync(long id, CancellationToken cancellationToken);
}
