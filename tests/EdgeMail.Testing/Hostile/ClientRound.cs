namespace EdgeMail.Testing.Hostile;

/// <summary>One round of a well-behaved client's work, each step timed: IMAP NOOP, FETCH of one message, SMTP send, POP3 STAT.</summary>
public sealed record ClientRound(TimeSpan Noop, TimeSpan Fetch, TimeSpan Send, TimeSpan Stat);
