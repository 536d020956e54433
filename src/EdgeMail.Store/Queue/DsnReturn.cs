namespace EdgeMail.Store.Queue;

/// <summary>The RET parameter of MAIL (RFC 3461 §4.3): what a failure report returns of the message.</summary>
public enum DsnReturn
{
    /// <summary>Not given: the headers only (RFC 3461 §4.3 leaves it to the server).</summary>
    Default = 0,
    Full = 1,
    Headers = 2,
}
