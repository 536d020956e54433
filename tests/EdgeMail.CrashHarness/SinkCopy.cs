namespace EdgeMail.CrashHarness;

/// <summary>One message as the relay sink received it: its token, the fingerprint less the Received trace, when and from which server instance.</summary>
internal sealed record SinkCopy(string? Token, Fingerprint Fingerprint, int ReceivedFields, int Generation, TimeSpan At);
