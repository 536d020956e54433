namespace EdgeMail.Device;

/// <summary>The attention reasons the host sets with <see cref="DeviceSignals.SetAttention"/> (any other text works too).</summary>
public static class AttentionReasons
{
    /// <summary>Mail waits in the relay queue after a failed try.</summary>
    public const string RelayDeferred = "relay-deferred";

    /// <summary>The upstream relay does not answer.</summary>
    public const string UpstreamUnreachable = "upstream-unreachable";

    /// <summary>A provider fetch account keeps failing (one reason per account).</summary>
    public static string FetchFailing(string account) => $"fetch-failing:{account}";
}
