using System.Net;

namespace EdgeMail.Smtp.Inbound;

/// <summary>Who the client is, as the relay policy needs it: its address and the account it authenticated as.</summary>
internal sealed record ClientTrust(IPAddress Address, long? AccountId, string? AccountAddress)
{
    public bool IsAuthenticated => AccountId is not null;

    /// <summary>Whom Relay:MaxMessagesPerHour counts: the account, or the address of a client that did not log in.</summary>
    public string Sender => AccountAddress ?? "[" + (Address.IsIPv4MappedToIPv6 ? Address.MapToIPv4() : Address) + "]";
}
