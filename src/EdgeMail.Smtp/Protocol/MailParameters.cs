namespace EdgeMail.Smtp.Protocol;

/// <summary>MAIL FROM: the reverse-path ("" for the null sender) and the esmtp-params this server knows.</summary>
internal sealed record MailCommand(string ReversePath, long? Size, bool EightBit, bool SmtpUtf8, string? Ret, string? EnvelopeId);

/// <summary>RCPT TO: the forward-path and RFC 3461 §4 parameters.</summary>
internal sealed record RcptCommand(string ForwardPath, string? Notify, string? OriginalRecipient);

/// <summary>BDAT (RFC 3030 §2): chunk size and whether it is the last.</summary>
internal readonly record struct BdatCommand(long Size, bool Last);
