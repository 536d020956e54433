namespace EdgeMail.CrashHarness;

/// <summary>A message sent to an outside domain, which EdgeMail must pass on to the upstream sink.</summary>
internal sealed class RelayRecord(string token, Fingerprint expected)
{
    public string Token { get; } = token;

    public Fingerprint Expected { get; } = expected;

    /// <summary>EdgeMail answered 250 to its DATA: it must reach the sink at least once.</summary>
    public bool Acknowledged { get; set; }
}
