namespace EdgeMail.Auth.Sasl;

/// <summary>
/// A server-side SASL mechanism (RFC 4422). The protocol decodes the base64 of each client response
/// and passes the bytes here; an empty initial response is an empty span, a missing one is null.
/// </summary>
public interface ISaslMechanism
{
    string Name { get; }

    /// <summary>True where the mechanism sends the password itself, which needs TLS (or loopback).</summary>
    bool IsPlaintext { get; }

    ValueTask<SaslStep> StepAsync(ReadOnlyMemory<byte>? response, CancellationToken cancellationToken);
}
