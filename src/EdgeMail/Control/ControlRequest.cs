namespace EdgeMail.Control;

/// <summary>One request: a verb ("status", "queue flush") and its words.</summary>
internal sealed class ControlRequest
{
    public int Version { get; set; } = ControlProtocol.Version;

    public string Verb { get; set; } = "";

    public string[] Arguments { get; set; } = [];
}
