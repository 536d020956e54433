namespace EdgeMail.Pop3.Tests;

public sealed class Pop3OptionsTests
{
    [Fact]
    public void Defaults_are_valid()
    {
        Assert.True(new Pop3OptionsValidator().Validate(null, new Pop3Options()).Succeeded);
    }

    [Theory]
    [InlineData("MaxLineBytes", "Pop3:MaxLineBytes")]
    [InlineData("MaxBadCommands", "Pop3:MaxBadCommands")]
    [InlineData("IdleTimeout", "Pop3:IdleTimeout")]
    [InlineData("LoginDeadline", "Pop3:LoginDeadline")]
    [InlineData("ExpireDays", "Pop3:ExpireDays")]
    [InlineData("DeleteMode", "Pop3:DeleteMode")]
    public void Invalid_values_name_their_key(string property, string key)
    {
        var options = new Pop3Options();
        switch (property)
        {
            case "MaxLineBytes": options.MaxLineBytes = 100; break;
            case "MaxBadCommands": options.MaxBadCommands = 0; break;
            case "IdleTimeout": options.IdleTimeout = TimeSpan.FromMinutes(1); break; // RFC 1939 §3: at least 10 minutes
            case "LoginDeadline": options.LoginDeadline = TimeSpan.FromMinutes(9); break; // RFC 1939 §3 again
            case "ExpireDays": options.ExpireDays = -1; break;
            case "DeleteMode": options.DeleteMode = (Pop3DeleteMode)42; break;
        }

        var result = new Pop3OptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains(key, result.FailureMessage, StringComparison.Ordinal);
    }
}
