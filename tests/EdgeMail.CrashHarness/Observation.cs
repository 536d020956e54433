namespace EdgeMail.CrashHarness;

/// <summary>One message as the check fetched it over IMAP after the restart.</summary>
internal sealed record Observation(string Account, string Mailbox, uint Uid, string Flags, ulong ModSeq, string? Token, Fingerprint Fingerprint, int ReceivedFields)
{
    public MailState State => new(Mailbox, Uid, Flags);
}
