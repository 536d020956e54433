namespace EdgeMail.Testing.Imap;

/// <summary>RFC 9051 §9 address: ( addr-name addr-adl addr-mailbox addr-host ); a NIL host marks group syntax (§7.5.2).</summary>
public sealed class ImapAddress
{
    public required ImapString Name { get; init; }

    public required ImapString Adl { get; init; }

    public required ImapString Mailbox { get; init; }

    public required ImapString Host { get; init; }

    public override string ToString() => Host.IsNil ? $"group {Mailbox}" : $"{Name} <{Mailbox}@{Host}>";
}
