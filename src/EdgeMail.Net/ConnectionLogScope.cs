using System.Collections;
using System.Net;

namespace EdgeMail.Net;

// The logging scope of one connection (CONVENTIONS §2.13): every line a handler logs carries these fields, as
// Kestrel's ConnectionLogScope does. A list of pairs is what structured log providers read; no reflection.
internal sealed class ConnectionLogScope(string connectionId, IPEndPoint remote, string endpoint)
    : IReadOnlyList<KeyValuePair<string, object?>>
{
    private string? _text;

    public int Count => 3;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("ConnectionId", connectionId),
        1 => new("Remote", remote.ToString()),
        2 => new("Endpoint", endpoint),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (int i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => _text ??= $"ConnectionId:{connectionId} Remote:{remote} Endpoint:{endpoint}";
}
