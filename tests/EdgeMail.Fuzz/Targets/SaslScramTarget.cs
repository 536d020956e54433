using System.Security.Cryptography;
using System.Text;
using EdgeMail.Auth.Sasl;

namespace EdgeMail.Fuzz.Targets;

/// <summary>
/// SCRAM-SHA-256 server (RFC 5802 §5, §7): the input is the client-first message, an LF, and the client-final message.
/// The server's nonce is random, so in the final message "{cbind}" stands for the base64 of the gs2 header, "{nonce}"
/// for the nonce the server sent, and "{proof}" / "{appproof}" for the proof of the password / the app password over
/// the actual AuthMessage: the fuzzer then reaches the checks behind them. Without them the exchange must fail.
/// </summary>
internal static class SaslScramTarget
{
    public static void Run(byte[] input)
    {
        var lf = Array.IndexOf(input, (byte)'\n');
        var first = lf < 0 ? input : input[..lf];
        var final = lf < 0 ? null : input[(lf + 1)..];

        Exchange(new ScramSha256Mechanism(SaslAccount.Lookup), first, final, challengeFirst: false);
        Exchange(new ScramSha256Mechanism(SaslAccount.Lookup), first, final, challengeFirst: true);
    }

    /// <summary>One exchange; the kind of its last step, so that a test can see the placeholders reach a success.</summary>
    internal static SaslStepKind Exchange(ScramSha256Mechanism scram, byte[] first, byte[]? final, bool challengeFirst)
    {
        if (challengeFirst)
        {
            var empty = SaslAccount.Step(scram, null);
            InvariantViolation.Check(empty.Kind == SaslStepKind.Challenge && empty.Data is { Length: 0 }, "SCRAM without an initial response sends an empty challenge");
        }

        var serverFirst = SaslAccount.Step(scram, first);
        SaslAccount.CheckOutcome(serverFirst);
        InvariantViolation.Check(serverFirst.Kind != SaslStepKind.Success, "SCRAM never succeeds on the client-first message");
        if (serverFirst.Kind != SaslStepKind.Challenge || final is null)
        {
            return serverFirst.Kind;
        }

        var firstText = Encoding.UTF8.GetString(first);
        var serverText = Encoding.UTF8.GetString(serverFirst.Data!);
        var fields = serverText.Split(',');
        InvariantViolation.Check(fields.Length == 3 && fields[0].StartsWith("r=", StringComparison.Ordinal) && fields[1].StartsWith("s=", StringComparison.Ordinal) && fields[2].StartsWith("i=", StringComparison.Ordinal), "server-first-message is r=,s=,i= (RFC 5802 §7)");
        var clientNonce = firstText.Split(',')[3][2..];
        var nonce = fields[0][2..];
        InvariantViolation.Check(nonce.StartsWith(clientNonce, StringComparison.Ordinal) && nonce.Length > clientNonce.Length, "the server's nonce extends the client's");

        var gs2 = firstText[..(firstText.IndexOf(',', 2) + 1)];
        var bare = firstText[gs2.Length..];
        var finalText = Encoding.UTF8.GetString(final)
            .Replace("{cbind}", Convert.ToBase64String(Encoding.UTF8.GetBytes(gs2)), StringComparison.Ordinal)
            .Replace("{nonce}", nonce, StringComparison.Ordinal);
        var proofAt = finalText.LastIndexOf(",p=", StringComparison.Ordinal);
        var authMessage = Encoding.UTF8.GetBytes(bare + "," + serverText + "," + (proofAt < 0 ? finalText : finalText[..proofAt]));
        var salt = Convert.FromBase64String(fields[1][2..]);
        var iterations = int.Parse(fields[2][2..], System.Globalization.CultureInfo.InvariantCulture);
        var forged = finalText.Contains("{proof}", StringComparison.Ordinal) || finalText.Contains("{appproof}", StringComparison.Ordinal);
        finalText = finalText
            .Replace("{proof}", Proof(SaslAccount.Password, salt, iterations, authMessage), StringComparison.Ordinal)
            .Replace("{appproof}", Proof(SaslAccount.AppPassword, salt, iterations, authMessage), StringComparison.Ordinal);

        var outcome = SaslAccount.Step(scram, Encoding.UTF8.GetBytes(finalText));
        SaslAccount.CheckOutcome(outcome);
        InvariantViolation.Check(outcome.Kind != SaslStepKind.Challenge, "SCRAM ends after the client-final message");
        if (outcome.Kind == SaslStepKind.Success)
        {
            InvariantViolation.Check(forged, "SCRAM succeeds only with a proof of a password");
            var secret = outcome.AppPassword?.Secret ?? SaslAccount.Main;
            var signature = "v=" + Convert.ToBase64String(HMACSHA256.HashData(secret.ServerKey, authMessage));
            InvariantViolation.Check(Encoding.UTF8.GetString(outcome.Data!) == signature, "server-final-message is v=ServerSignature over the AuthMessage");
        }

        InvariantViolation.Check(SaslAccount.Step(scram, first).Kind == SaslStepKind.Failure, "a finished exchange takes no more responses");
        return outcome.Kind;
    }

    // ClientProof = ClientKey XOR HMAC(H(ClientKey), AuthMessage) (RFC 5802 §3).
    private static string Proof(string password, byte[] salt, int iterations, byte[] authMessage)
    {
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, 32);
        var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
        var signature = HMACSHA256.HashData(SHA256.HashData(clientKey), authMessage);
        for (var i = 0; i < clientKey.Length; i++)
        {
            clientKey[i] ^= signature[i];
        }

        return Convert.ToBase64String(clientKey);
    }
}
