using System.Text;

namespace EdgeMail.Auth.Sasl;

/// <summary>
/// LOGIN (draft-murchison-sasl-login-00): the server asks "Username:" and then "Password:". Obsolete,
/// but still the only mechanism some older clients and scanners use.
/// </summary>
public sealed class LoginMechanism(CredentialLookup lookup) : ISaslMechanism
{
    private string? _user;
    private int _state;

    public string Name => "LOGIN";

    public bool IsPlaintext => true;

    public async ValueTask<SaslStep> StepAsync(ReadOnlyMemory<byte>? response, CancellationToken cancellationToken)
    {
        switch (_state)
        {
            case 0 when response is null:
                _state = 1;
                return new SaslStep(SaslStepKind.Challenge, "Username:"u8.ToArray());
            case 0 or 1:
                _user = Decode(response);
                if (_user is null || _user.Length is 0 or > 255)
                {
                    return SaslStep.Fail(null, malformed: true);
                }

                _state = 2;
                return new SaslStep(SaslStepKind.Challenge, "Password:"u8.ToArray());
            case 2:
                _state = 3;
                var password = Decode(response);
                return password is null || password.Length > 1024
                    ? SaslStep.Fail(_user, malformed: true)
                    : await PasswordCheck.CheckAsync(lookup, _user!, password, cancellationToken).ConfigureAwait(false);
            default:
                return SaslStep.Fail(_user, malformed: true);
        }
    }

    private static string? Decode(ReadOnlyMemory<byte>? response)
    {
        if (response is null)
        {
            return null;
        }

        try
        {
            return new UTF8Encoding(false, true).GetString(response.Value.Span);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
