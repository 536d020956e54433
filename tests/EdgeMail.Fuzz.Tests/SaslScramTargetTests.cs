using System.Text;
using EdgeMail.Auth.Sasl;
using EdgeMail.Fuzz.Targets;

namespace EdgeMail.Fuzz.Tests;

/// <summary>
/// The SCRAM target fills in what a fuzzer cannot guess (the server's random nonce, a proof over the actual
/// AuthMessage); if that broke, afl-fuzz would never get past the client-final checks and nobody would notice.
/// </summary>
public sealed class SaslScramTargetTests
{
    [Theory]
    [InlineData("n,,n=alice,r=fyko+d2lbbFgONRv9qkxdawL\nc={cbind},r={nonce},p={proof}", SaslStepKind.Success)]
    [InlineData("n,,n=alice,r=fyko+d2lbbFgONRv9qkxdawL\nc={cbind},r={nonce},p={appproof}", SaslStepKind.Success)]
    [InlineData("n,a=alice,n=alice,r=abc\nc={cbind},r={nonce},x=ext,p={proof}", SaslStepKind.Success)]
    [InlineData("n,,n=alice,r=abc\nc={cbind},r={nonce},p=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", SaslStepKind.Failure)]
    [InlineData("n,,n=alice,r=abc\nc=biws,r=abc,p={proof}", SaslStepKind.Failure)]
    [InlineData("n,,n=nobody,r=abc\nc={cbind},r={nonce},p={proof}", SaslStepKind.Failure)]
    [InlineData("n,,n=alice,r=abc", SaslStepKind.Challenge)]
    public void Placeholders_reach_the_proof_check(string input, SaslStepKind expected)
    {
        var bytes = Encoding.UTF8.GetBytes(input);
        var lf = Array.IndexOf(bytes, (byte)'\n');
        var first = lf < 0 ? bytes : bytes[..lf];
        var final = lf < 0 ? null : bytes[(lf + 1)..];

        foreach (var challengeFirst in (bool[])[false, true])
        {
            Assert.Equal(expected, SaslScramTarget.Exchange(new ScramSha256Mechanism(SaslAccount.Lookup), first, final, challengeFirst));
        }
    }
}
