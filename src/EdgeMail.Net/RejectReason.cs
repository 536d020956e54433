namespace EdgeMail.Net;

/// <summary>Why <see cref="ConnectionLimiter"/> refused a connection.</summary>
public enum RejectReason
{
    /// <summary><see cref="NetOptions.MaxConnections"/> connections are open across all endpoints.</summary>
    TooManyConnections,

    /// <summary><see cref="NetOptions.MaxConnectionsPerAddress"/> connections are open from the client's address.</summary>
    TooManyConnectionsFromAddress,
}
