namespace EdgeMail.Auth.Pairing;

/// <summary>Why the pairing window changed.</summary>
public enum PairingWindowChange
{
    /// <summary>Opened (or opened again, which starts its full length anew).</summary>
    Opened,

    /// <summary>Closed on request (a second hold of the button, <c>edgemail pair --close</c>).</summary>
    Closed,

    /// <summary>Its time ran out.</summary>
    Expired,
}
