namespace EdgeMail.Fetch;

/// <summary>The outcome of one pass of a fetch account: the messages it brought, or its error (one line).</summary>
public sealed record FetchRunResult(string Name, int Fetched, string? Error);

/// <summary>What a fetch account's worker is doing now, for status: connected (in IDLE: new mail arrives within seconds) and running a pass.</summary>
public sealed record FetchLiveState(string Name, bool Connected, bool Idling, bool Running);
