using System.Text;
using EdgeMail.Auth.TwoFactor;

namespace EdgeMail.Auth.Tests.TwoFactor;

public sealed class Base32Tests
{
    // RFC 4648 §10, without the padding.
    [Theory]
    [InlineData("", "")]
    [InlineData("f", "MY")]
    [InlineData("fo", "MZXQ")]
    [InlineData("foo", "MZXW6")]
    [InlineData("foob", "MZXW6YQ")]
    [InlineData("fooba", "MZXW6YTB")]
    [InlineData("foobar", "MZXW6YTBOI")]
    public void Encodes_and_decodes_the_test_vectors_of_RFC_4648(string text, string base32)
    {
        Assert.Equal(base32, Base32.Encode(Encoding.ASCII.GetBytes(text)));
        Assert.Equal(text, Encoding.ASCII.GetString(Base32.Decode(base32)!));
        Assert.Equal(text, Encoding.ASCII.GetString(Base32.Decode(base32.ToLowerInvariant() + "==")!));
    }

    [Fact]
    public void A_character_outside_the_alphabet_is_refused() => Assert.Null(Base32.Decode("MZXW1"));
}
