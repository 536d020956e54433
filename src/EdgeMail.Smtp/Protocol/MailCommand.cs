namespace EdgeMail.Smtp.Protocol;

/// <summary>MAIL FROM: the reverse-path ("" for the null sender) and the esmtp-params this server knows.</summary>
internal sealed record MailCommand(string ReversePath, long? Size, bool EightBit, bool SmtpUtf8, string? Ret, string? EnvelopeId);
