using System.Text;
using EdgeMail.Auth.TwoFactor;

namespace EdgeMail.Auth.Tests.TwoFactor;

public sealed class TotpTests
{
    private static readonly byte[] Rfc4226Secret = Encoding.ASCII.GetBytes("12345678901234567890");

    // RFC 6238 Appendix B: the seed of each algorithm is "1234567890" repeated to its hash length.
    private static byte[] Seed(TotpAlgorithm algorithm) => Encoding.ASCII.GetBytes(algorithm switch
    {
        TotpAlgorithm.Sha1 => "12345678901234567890",
        TotpAlgorithm.Sha256 => "12345678901234567890123456789012",
        _ => "1234567890123456789012345678901234567890123456789012345678901234",
    });

    [Theory]
    [InlineData(0, "755224")]
    [InlineData(1, "287082")]
    [InlineData(2, "359152")]
    [InlineData(3, "969429")]
    [InlineData(4, "338314")]
    [InlineData(5, "254676")]
    [InlineData(6, "287922")]
    [InlineData(7, "162583")]
    [InlineData(8, "399871")]
    [InlineData(9, "520489")]
    public void Hotp_gives_the_values_of_RFC_4226_appendix_D(long counter, string expected) =>
        Assert.Equal(expected, Totp.Hotp(Rfc4226Secret, counter));

    [Theory]
    [InlineData(59L, "94287082", "46119246", "90693936")]
    [InlineData(1111111109L, "07081804", "68084774", "25091201")]
    [InlineData(1111111111L, "14050471", "67062674", "99943326")]
    [InlineData(1234567890L, "89005924", "91819424", "93441116")]
    [InlineData(2000000000L, "69279037", "90698825", "38618901")]
    [InlineData(20000000000L, "65353130", "77737706", "47863826")]
    public void Totp_gives_the_values_of_RFC_6238_appendix_B(long unixSeconds, string sha1, string sha256, string sha512)
    {
        var time = DateTimeOffset.FromUnixTimeSeconds(unixSeconds);
        Assert.Equal(sha1, Totp.Code(Seed(TotpAlgorithm.Sha1), time, 8, TotpAlgorithm.Sha1));
        Assert.Equal(sha256, Totp.Code(Seed(TotpAlgorithm.Sha256), time, 8, TotpAlgorithm.Sha256));
        Assert.Equal(sha512, Totp.Code(Seed(TotpAlgorithm.Sha512), time, 8, TotpAlgorithm.Sha512));
    }

    [Fact]
    public void The_time_step_is_30_seconds_from_the_epoch_as_in_RFC_6238_appendix_B()
    {
        // Appendix B's table: T = 0x23523EC for 1111111109 and 0x23523ED for 1111111111.
        Assert.Equal(0x23523EC, Totp.StepAt(DateTimeOffset.FromUnixTimeSeconds(1111111109)));
        Assert.Equal(0x23523ED, Totp.StepAt(DateTimeOffset.FromUnixTimeSeconds(1111111111)));
        Assert.Equal(1, Totp.StepAt(DateTimeOffset.FromUnixTimeSeconds(59)));
        Assert.Equal(0, Totp.StepAt(DateTimeOffset.FromUnixTimeSeconds(29)));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(1)]
    public void A_code_one_step_early_or_late_matches_its_own_step(int offset)
    {
        const long now = 1000;
        var code = Totp.Hotp(Rfc4226Secret, now + offset);
        Assert.Equal(now + offset, Totp.Match(Rfc4226Secret, code, now));
    }

    [Theory]
    [InlineData(-2)]
    [InlineData(2)]
    [InlineData(10)]
    public void A_code_two_or_more_steps_away_does_not_match(int offset)
    {
        const long now = 1000;
        var code = Totp.Hotp(Rfc4226Secret, now + offset);
        Assert.Null(Totp.Match(Rfc4226Secret, code, now));
    }

    [Theory]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("abcdef")]
    public void Malformed_codes_do_not_match(string code) => Assert.Null(Totp.Match(Rfc4226Secret, code, 1000));
}
