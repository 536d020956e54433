namespace EdgeMail.CrashHarness;

/// <summary>
/// Where a message is: its mailbox (null: nowhere, gone or never delivered), its UID (0: any the server gives it) and
/// its flags (canonical, sorted and space-separated; null: any).
/// </summary>
internal sealed record MailState(string? Mailbox, uint Uid, string? Flags)
{
    public static readonly MailState Absent = new(null, 0, null);

    public bool IsPresent => Mailbox is not null;

    public bool Admits(MailState observed) =>
        Mailbox == observed.Mailbox
        && (Mailbox is null || ((Uid == 0 || Uid == observed.Uid) && (Flags is null || Flags == observed.Flags)));

    public override string ToString() => Mailbox is null ? "absent" : $"{Mailbox} uid {(Uid == 0 ? "?" : Uid)} flags ({Flags ?? "any"})";
}
