namespace EdgeMail.Testing.Hostile;

/// <summary>
/// How a client that never reads fared: what it sent, whether the server dropped it (a reset or a close while it was
/// sending), after how long, and how long its last send had been waiting then (the server's stall, as the client sees it).
/// </summary>
public sealed record FloodOutcome(long BytesSent, bool Dropped, TimeSpan Elapsed, TimeSpan StalledFor);
