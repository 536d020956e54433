namespace EdgeMail.Smtp.Relay;

/// <summary>The upstream refused every recipient; each refusal is in <see cref="UpstreamClient.Rejected"/>.</summary>
internal sealed class NoRecipientsAcceptedException : Exception
{
    public NoRecipientsAcceptedException()
        : base("the upstream accepted no recipient")
    {
    }
}
