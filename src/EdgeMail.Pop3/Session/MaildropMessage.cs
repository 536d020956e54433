using EdgeMail.Store.Messages;

namespace EdgeMail.Pop3.Session;

/// <summary>One message of a session's maildrop: its record, the octets RETR sends for it, and the session's marks.</summary>
internal sealed class MaildropMessage(MessageRecord record, long size, string uniqueId)
{
    public MessageRecord Record { get; } = record;

    /// <summary>RFC 1939 §5: the size with CRLF line ends and before byte-stuffing.</summary>
    public long Size { get; } = size;

    public string UniqueId { get; } = uniqueId;

    /// <summary>Marked by DELE; removed only in the UPDATE state (RFC 1939 §6).</summary>
    public bool Deleted { get; set; }

    /// <summary>Sent whole by RETR in this session (for \Seen and Pop3:ExpireDays).</summary>
    public bool Retrieved { get; set; }
}
