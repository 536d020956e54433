namespace EdgeMail.Delivery;

/// <summary>A message with more Received fields than DeliveryOptions.MaxReceivedHeaders: it is looping, refuse it for good.</summary>
public sealed class MailLoopException(int received, int limit)
    : Exception($"the message has {received} Received header fields, more than {limit}: a mail loop")
{
    public int Received { get; } = received;
}
