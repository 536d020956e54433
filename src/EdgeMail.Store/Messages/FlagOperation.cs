namespace EdgeMail.Store.Messages;

/// <summary>STORE FLAGS, +FLAGS and -FLAGS (RFC 9051 §6.4.6).</summary>
public enum FlagOperation
{
    Replace,
    Add,
    Remove,
}
