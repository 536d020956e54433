namespace EdgeMail.Smtp.Protocol;

/// <summary>BDAT (RFC 3030 §2): chunk size and whether it is the last.</summary>
internal readonly record struct BdatCommand(long Size, bool Last);
