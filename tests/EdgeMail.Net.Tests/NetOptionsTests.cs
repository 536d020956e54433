using System.Net;
using Microsoft.Extensions.Options;

namespace EdgeMail.Net.Tests;

public sealed class NetOptionsTests
{
    [Theory]
    [InlineData("127.0.0.1", new[] { "127.0.0.1" })]
    [InlineData(" 127.0.0.1 , ::1 ", new[] { "127.0.0.1", "::1" })]
    [InlineData("0.0.0.0", new[] { "0.0.0.0" })]
    [InlineData("::", new[] { "::" })]
    [InlineData("*", new[] { "0.0.0.0", "::" })]
    [InlineData("192.168.1.20,fd00::20", new[] { "192.168.1.20", "fd00::20" })]
    public void Bind_lists_addresses_and_star_means_both_families(string bind, string[] expected)
    {
        var addresses = NetOptions.ParseBind(bind);

        Assert.Equal(expected.Select(IPAddress.Parse), addresses);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.1")]
    [InlineData("1")]
    [InlineData("fe80::1%eth0")]
    [InlineData("")]
    [InlineData(" , ")]
    [InlineData("127.0.0.1,127.0.0.1")]
    [InlineData("*,0.0.0.0")]
    public void Bind_that_is_not_a_list_of_distinct_IP_addresses_fails_naming_the_key(string bind)
    {
        var error = Assert.Throws<FormatException>(() => NetOptions.ParseBind(bind));

        Assert.StartsWith("Network:Bind", error.Message);
    }

    [Fact]
    public void Defaults_are_valid_and_listen_on_loopback_only()
    {
        var options = new NetOptions();

        Assert.True(new NetOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal([IPAddress.Loopback], options.GetBindAddresses());
        Assert.Equal(1000, options.MaxConnections);
        Assert.Equal(20, options.MaxConnectionsPerAddress);
        Assert.Equal(TimeSpan.FromSeconds(30), options.TlsHandshakeTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), options.DrainTimeout);
        Assert.Equal(TimeSpan.FromMinutes(5), options.SendTimeout);
        Assert.True(options.TcpQuickAck);
    }

    [Theory]
    [InlineData("Network:MaxConnections", nameof(NetOptions.MaxConnections))]
    [InlineData("Network:MaxConnectionsPerAddress", nameof(NetOptions.MaxConnectionsPerAddress))]
    [InlineData("Network:TlsHandshakeTimeout", nameof(NetOptions.TlsHandshakeTimeout))]
    [InlineData("Network:DrainTimeout", nameof(NetOptions.DrainTimeout))]
    [InlineData("Network:SendTimeout", nameof(NetOptions.SendTimeout))]
    [InlineData("Network:Bind", nameof(NetOptions.Bind))]
    public void Out_of_range_value_fails_validation_naming_the_key(string key, string property)
    {
        var options = new NetOptions();
        switch (property)
        {
            case nameof(NetOptions.MaxConnections): options.MaxConnections = 0; break;
            case nameof(NetOptions.MaxConnectionsPerAddress): options.MaxConnectionsPerAddress = -1; break;
            case nameof(NetOptions.TlsHandshakeTimeout): options.TlsHandshakeTimeout = TimeSpan.Zero; break;
            case nameof(NetOptions.DrainTimeout): options.DrainTimeout = TimeSpan.FromSeconds(-1); break;
            case nameof(NetOptions.SendTimeout): options.SendTimeout = TimeSpan.FromMilliseconds(500); break;
            case nameof(NetOptions.Bind): options.Bind = "eth0"; break;
        }

        var result = new NetOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(key, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Tls_certificate_without_key_fails_validation_naming_Tls_KeyPath()
    {
        var result = new TlsOptionsValidator().Validate(null, new TlsOptions { CertificatePath = "/etc/ssl/mail.pem" });

        Assert.True(result.Failed);
        Assert.Contains("Tls:KeyPath", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new TlsOptionsValidator().Validate(null, new TlsOptions()).Succeeded);
    }

    [Fact]
    public void Validator_plugs_into_options_validation()
    {
        IValidateOptions<NetOptions> validator = new NetOptionsValidator();

        var result = validator.Validate(Options.DefaultName, new NetOptions { MaxConnections = 0 });

        Assert.Contains(result.Failures!, f => f.EndsWith("Network:MaxConnections must be between 1 and 100000 (is 0).", StringComparison.Ordinal));
    }
}
