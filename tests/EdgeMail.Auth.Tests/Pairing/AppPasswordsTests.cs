using EdgeMail.Auth.Pairing;

namespace EdgeMail.Auth.Tests.Pairing;

public sealed class AppPasswordsTests
{
    [Fact]
    public void A_new_app_password_is_five_groups_of_four_base32_characters_with_100_random_bits()
    {
        Assert.True(AppPasswords.Bits >= 96);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 200; i++)
        {
            var password = AppPasswords.Generate();
            Assert.Matches("^[a-z2-7]{4}(-[a-z2-7]{4}){4}$", password);
            Assert.True(seen.Add(password));
        }
    }

    [Theory]
    [InlineData("Ann's phone")]
    [InlineData("Laptop (work)")]
    [InlineData("téléphone")]
    public void Ordinary_device_names_are_accepted(string name) => Assert.True(AppPasswords.IsValidDeviceName(name, out _));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("tab\there", "control")]
    [InlineData("line\nbreak", "control")]
    [InlineData("evil\u202Eenohp", "control")]
    public void Bad_device_names_are_refused_with_a_reason(string name, string why)
    {
        Assert.False(AppPasswords.IsValidDeviceName(name, out var error));
        Assert.Contains(why, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_device_name_longer_than_64_characters_is_refused()
    {
        Assert.True(AppPasswords.IsValidDeviceName(new string('x', 64), out _));
        Assert.False(AppPasswords.IsValidDeviceName(new string('x', 65), out var error));
        Assert.Contains("64", error, StringComparison.Ordinal);
    }
}
