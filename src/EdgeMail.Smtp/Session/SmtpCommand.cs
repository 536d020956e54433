namespace EdgeMail.Smtp.Session;

/// <summary>One row of the command table: the states the verb is allowed in and its handler (the rest of the line after the verb).</summary>
internal sealed record SmtpCommand(string Verb, SmtpState AllowedIn, Func<SmtpSession, ReadOnlyMemory<byte>, CancellationToken, Task> Handler);
