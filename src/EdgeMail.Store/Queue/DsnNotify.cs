namespace EdgeMail.Store.Queue;

/// <summary>The NOTIFY parameter of RCPT (RFC 3461 §4.1); <see cref="Default"/> means FAILURE.</summary>
[Flags]
public enum DsnNotify
{
    Default = 0,
    Never = 1,
    Success = 2,
    Failure = 4,
    Delay = 8,
}
