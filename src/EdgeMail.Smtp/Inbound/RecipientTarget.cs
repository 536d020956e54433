using EdgeMail.Delivery.Routing;
using EdgeMail.Store.Queue;

namespace EdgeMail.Smtp.Inbound;

/// <summary>An accepted recipient: a local INBOX, or the relay queue with its DSN parameters.</summary>
internal sealed record RecipientTarget(string Address, LocalTarget? Local, DsnNotify Notify = DsnNotify.Default, string? OriginalRecipient = null)
{
    public bool IsLocal => Local is not null;
}
