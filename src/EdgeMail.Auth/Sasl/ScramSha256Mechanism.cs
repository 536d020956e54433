using System.Security.Cryptography;
using System.Text;
using EdgeMail.Store.Accounts;

namespace EdgeMail.Auth.Sasl;

/// <summary>
/// SCRAM-SHA-256 server (RFC 5802 §5, RFC 7677), without channel binding (the -PLUS variant is not
/// offered, so a client asking for it with "p=" is refused, RFC 5802 §6).
/// App passwords take part when they share the account's salt and iteration count: the proof is
/// checked against each such StoredKey. An unknown user gets a stable fake salt and fails at the
/// end, so the exchange does not tell which users exist (RFC 5802 §9).
/// </summary>
public sealed class ScramSha256Mechanism(CredentialLookup lookup) : ISaslMechanism
{
    private const int MaxMessageBytes = 2048;
    private static readonly byte[] FakeSaltKey = RandomNumberGenerator.GetBytes(32);

    private int _state;
    private string? _user;
    private string? _gs2Header;
    private string? _clientFirstBare;
    private string? _serverFirst;
    private string? _nonce;
    private AccountCredentials? _credentials;

    public string Name => "SCRAM-SHA-256";

    public bool IsPlaintext => false;

    public async ValueTask<SaslStep> StepAsync(ReadOnlyMemory<byte>? response, CancellationToken cancellationToken)
    {
        if (_state == 0 && response is null)
        {
            // No initial response: the client speaks first, so ask with an empty challenge.
            _state = 1;
            return new SaslStep(SaslStepKind.Challenge, []);
        }

        if (response is null || response.Value.Length > MaxMessageBytes || !TryText(response.Value.Span, out var text))
        {
            return SaslStep.Fail(_user, malformed: true);
        }

        return _state switch
        {
            0 or 1 => await ClientFirstAsync(text, cancellationToken).ConfigureAwait(false),
            2 => ClientFinal(text),
            _ => SaslStep.Fail(_user, malformed: true),
        };
    }

    private async ValueTask<SaslStep> ClientFirstAsync(string text, CancellationToken cancellationToken)
    {
        // RFC 5802 §7: gs2-header = gs2-cbind-flag "," [authzid] ","
        var first = text.IndexOf(',', StringComparison.Ordinal);
        var second = first < 0 ? -1 : text.IndexOf(',', first + 1);
        if (first != 1 || second < 0 || text[0] is not ('n' or 'y'))
        {
            return SaslStep.Fail(null, malformed: true);
        }

        _gs2Header = text[..(second + 1)];
        var authzid = text[(first + 1)..second];
        _clientFirstBare = text[(second + 1)..];
        var attributes = _clientFirstBare.Split(',');
        if (attributes.Length < 2 || !attributes[0].StartsWith("n=", StringComparison.Ordinal) || !attributes[1].StartsWith("r=", StringComparison.Ordinal) || attributes[1].Length < 3)
        {
            return SaslStep.Fail(null, malformed: true);
        }

        if (attributes[0].Length < 3 || !TryUnescape(attributes[0][2..], out var user))
        {
            return SaslStep.Fail(null, malformed: true);
        }

        _user = user;
        if (authzid.Length > 0 && !(authzid.StartsWith("a=", StringComparison.Ordinal) && TryUnescape(authzid[2..], out var z) && string.Equals(z, user, StringComparison.OrdinalIgnoreCase)))
        {
            return SaslStep.Fail(user);
        }

        _credentials = await lookup(user, cancellationToken).ConfigureAwait(false);
        var salt = _credentials?.Password.Salt ?? HMACSHA256.HashData(FakeSaltKey, Encoding.UTF8.GetBytes(user.ToLowerInvariant()))[..16];
        var iterations = _credentials?.Password.Iterations ?? Scram.ScramSecret.DefaultIterations;
        _nonce = attributes[1][2..] + Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
        _serverFirst = $"r={_nonce},s={Convert.ToBase64String(salt)},i={iterations}";
        _state = 2;
        return new SaslStep(SaslStepKind.Challenge, Encoding.UTF8.GetBytes(_serverFirst), UserName: user);
    }

    private SaslStep ClientFinal(string text)
    {
        _state = 3;

        // client-final-message = channel-binding "," nonce ["," extensions] "," proof (RFC 5802 §7)
        var proofAt = text.LastIndexOf(",p=", StringComparison.Ordinal);
        if (proofAt < 0)
        {
            return SaslStep.Fail(_user, malformed: true);
        }

        var withoutProof = text[..proofAt];
        var attributes = withoutProof.Split(',');
        if (attributes.Length < 2 || attributes[0] != "c=" + Convert.ToBase64String(Encoding.UTF8.GetBytes(_gs2Header!)) || attributes[1] != "r=" + _nonce)
        {
            return SaslStep.Fail(_user);
        }

        byte[] proof;
        try
        {
            proof = Convert.FromBase64String(text[(proofAt + 3)..]);
        }
        catch (FormatException)
        {
            return SaslStep.Fail(_user, malformed: true);
        }

        if (_credentials is null || proof.Length != SHA256.HashSizeInBytes)
        {
            return SaslStep.Fail(_user);
        }

        var authMessage = Encoding.UTF8.GetBytes(_clientFirstBare + "," + _serverFirst + "," + withoutProof);
        if (Matches(_credentials.Password, proof, authMessage))
        {
            return Success(_credentials.Password, authMessage, null);
        }

        foreach (var app in _credentials.AppPasswords)
        {
            if (app.Secret.Salt.AsSpan().SequenceEqual(_credentials.Password.Salt) && app.Secret.Iterations == _credentials.Password.Iterations && Matches(app.Secret, proof, authMessage))
            {
                return Success(app.Secret, authMessage, app);
            }
        }

        return SaslStep.Fail(_user);
    }

    private SaslStep Success(ScramCredential secret, byte[] authMessage, AppPasswordCredential? appPassword)
    {
        var signature = HMACSHA256.HashData(secret.ServerKey, authMessage);
        var final = Encoding.UTF8.GetBytes("v=" + Convert.ToBase64String(signature));
        return new SaslStep(SaslStepKind.Success, final, _credentials!.Account, appPassword, _user);
    }

    /// <summary>ClientKey = ClientProof XOR HMAC(StoredKey, AuthMessage); accept if H(ClientKey) == StoredKey.</summary>
    private static bool Matches(ScramCredential secret, byte[] proof, byte[] authMessage)
    {
        var clientSignature = HMACSHA256.HashData(secret.StoredKey, authMessage);
        var clientKey = new byte[proof.Length];
        for (var i = 0; i < proof.Length; i++)
        {
            clientKey[i] = (byte)(proof[i] ^ clientSignature[i]);
        }

        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(clientKey), secret.StoredKey);
    }

    /// <summary>saslname: "=2C" is ",", "=3D" is "=", any other "=" is an error (RFC 5802 §5.1).</summary>
    private static bool TryUnescape(string value, out string result)
    {
        result = string.Empty;
        var sb = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '=')
            {
                sb.Append(value[i]);
                continue;
            }

            if (value.Length - i < 3)
            {
                return false;
            }

            var code = value.Substring(i + 1, 2);
            if (code == "2C")
            {
                sb.Append(',');
            }
            else if (code == "3D")
            {
                sb.Append('=');
            }
            else
            {
                return false;
            }

            i += 2;
        }

        result = sb.ToString();
        return result.Length > 0;
    }

    private static bool TryText(ReadOnlySpan<byte> bytes, out string text)
    {
        try
        {
            text = new UTF8Encoding(false, true).GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = string.Empty;
            return false;
        }
    }
}
