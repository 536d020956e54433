namespace EdgeMail.CrashHarness;

/// <summary>What has been seen of one mailbox over every round: its UIDVALIDITY, UIDs, UIDNEXT and MODSEQs.</summary>
internal sealed class MailboxHistory
{
    public uint UidValidity { get; set; }

    /// <summary>The highest UID seen anywhere (APPENDUID, COPYUID, FETCH).</summary>
    public uint HighestUid { get; set; }

    /// <summary>The highest UID seen when the last check ended: a UID seen for the first time must be above it.</summary>
    public uint CheckedHighestUid { get; set; }

    public uint LastUidNext { get; set; }

    public ulong HighestModSeq { get; set; }

    /// <summary>Which token each UID ever held: a UID must never hold another message.</summary>
    public Dictionary<uint, string> Tokens { get; } = [];

    public Dictionary<uint, ulong> ModSeqs { get; } = [];

    public void SawUid(uint uid)
    {
        if (uid > HighestUid)
        {
            HighestUid = uid;
        }
    }
}
