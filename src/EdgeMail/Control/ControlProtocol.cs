namespace EdgeMail.Control;

/// <summary>
/// The control channel's wire format: over the AF_UNIX stream socket &lt;data&gt;/control.sock, the client sends one
/// request and the service answers with one response, each a single line of UTF-8 JSON ended by LF, then the service
/// closes. Both carry <see cref="Version"/>; a service answers a request of another version with an error naming its
/// own, so that a CLI and a service of different releases fail clearly rather than misread each other.
/// </summary>
internal static class ControlProtocol
{
    public const int Version = 1;

    public const string SocketName = "control.sock";

    /// <summary>Owner and group may connect (0660); the service's group is how an admin is let in.</summary>
    public const UnixFileMode SocketMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite;

    public static string SocketPath(string dataPath) => Path.Combine(dataPath, SocketName);
}
