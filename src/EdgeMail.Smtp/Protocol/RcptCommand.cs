namespace EdgeMail.Smtp.Protocol;

/// <summary>RCPT TO: the forward-path and RFC 3461 §4 parameters.</summary>
internal sealed record RcptCommand(string ForwardPath, string? Notify, string? OriginalRecipient);
