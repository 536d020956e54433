namespace EdgeMail.Testing.Hostile;

/// <summary>
/// What a STARTTLS probe saw: the go-ahead line, whether a TLS handshake then succeeded, and the first line read
/// over TLS after a fresh command (null without a handshake), plus every plaintext line read after the go-ahead
/// (an answer to an injected command would be there, or first over TLS).
/// </summary>
public sealed record StartTlsOutcome(string? GoAhead, bool Handshake, string? FirstTlsLine, IReadOnlyList<string> PlaintextAfterGoAhead);
