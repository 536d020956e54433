using EdgeMail.Cli;

namespace EdgeMail.Control;

/// <summary>One response: either <see cref="Error"/> (one line for the user) or what the verb returns.</summary>
internal sealed class ControlResponse
{
    public int Version { get; set; } = ControlProtocol.Version;

    /// <summary>Null on success; otherwise one line for stderr.</summary>
    public string? Error { get; set; }

    /// <summary>A line for stdout, for verbs that report one.</summary>
    public string? Message { get; set; }

    /// <summary>The live status, for <c>status</c>.</summary>
    public StatusReport? Status { get; set; }

    public static ControlResponse Failed(string error) => new() { Error = error };
}
