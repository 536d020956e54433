using System.Text;

namespace EdgeMail.Auth.Sasl;

/// <summary>PLAIN (RFC 4616 §2): message = [authzid] NUL authcid NUL passwd, in one response.</summary>
public sealed class PlainMechanism(CredentialLookup lookup) : ISaslMechanism
{
    private bool _challenged;

    public string Name => "PLAIN";

    public bool IsPlaintext => true;

    public async ValueTask<SaslStep> StepAsync(ReadOnlyMemory<byte>? response, CancellationToken cancellationToken)
    {
        if (response is null)
        {
            if (_challenged)
            {
                return SaslStep.Fail(null, malformed: true);
            }

            // RFC 4616 §2: with no initial response the server sends an empty challenge.
            _challenged = true;
            return new SaslStep(SaslStepKind.Challenge, []);
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(response.Value.Span);
        }
        catch (DecoderFallbackException)
        {
            return SaslStep.Fail(null, malformed: true);
        }

        var parts = text.Split('\0');
        if (parts.Length != 3 || parts[1].Length == 0 || parts[1].Length > 255 || parts[2].Length > 1024)
        {
            return SaslStep.Fail(null, malformed: true);
        }

        var (authzid, user, password) = (parts[0], parts[1], parts[2]);

        // Acting for another identity (RFC 4616 §2 authzid) is not offered.
        if (authzid.Length > 0 && !string.Equals(authzid, user, StringComparison.OrdinalIgnoreCase))
        {
            return SaslStep.Fail(user);
        }

        return await PasswordCheck.CheckAsync(lookup, user, password, cancellationToken).ConfigureAwait(false);
    }
}
