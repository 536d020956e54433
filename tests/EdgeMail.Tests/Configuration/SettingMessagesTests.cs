using EdgeMail.Configuration;
using Microsoft.Extensions.Configuration;

namespace EdgeMail.Tests.Configuration;

public sealed class SettingMessagesTests
{
    [Fact]
    public void Every_enum_a_setting_can_hold_is_known_so_its_names_are_listed()
    {
        var enums = typeof(EdgeMailSettings).GetProperties()
            .SelectMany(section => section.PropertyType.GetProperties())
            .Select(p => Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType)
            .Where(t => t.IsEnum)
            .Distinct()
            .ToList();
        Assert.NotEmpty(enums);
        Assert.All(enums, t => Assert.True(SettingMessages.KnowsEnum(t.FullName!), $"{t.FullName} is missing from SettingMessages.EnumNames"));
    }

    [Theory]
    [InlineData("Failed to convert configuration value 'abc' at 'Imap:Port' to type 'System.Int32'.", "Imap:Port: 'abc' is not a whole number")]
    [InlineData("Failed to convert configuration value 'yes please' at 'Network:TcpQuickAck' to type 'System.Boolean'.", "Network:TcpQuickAck: 'yes please' is not true or false")]
    [InlineData("Failed to convert configuration value 'Trash' at 'Pop3:DeleteMode' to type 'EdgeMail.Pop3.Pop3DeleteMode'.", "Pop3:DeleteMode: 'Trash' is not one of Expunge, MoveToTrash, Keep")]
    [InlineData("Failed to convert configuration value 'WiringPi' at 'Device:Gpio:Driver' to type 'EdgeMail.Device.GpioDriverKind'.", "Device:Gpio:Driver: 'WiringPi' is not one of Virtual, LibGpiod")]
    [InlineData("Something else entirely", null)]
    public void A_conversion_failure_names_key_value_and_expectation(string binderMessage, string? expected) =>
        Assert.Equal(expected, SettingMessages.FromConversionFailure(binderMessage));

    [Theory]
    [InlineData("Network", "Bind: Network:Bind: 'x' is not an IP address.", "Network:Bind: 'x' is not an IP address.")]
    [InlineData("Tls", "KeyPath: Tls:KeyPath is required when Tls:CertificatePath is set.", "Tls:KeyPath is required when Tls:CertificatePath is set.")]
    [InlineData("Storage", "MaxBatchWrites: The field StoreOptions.MaxBatchWrites must be between 1 and 10000.", "Storage:MaxBatchWrites must be between 1 and 10000 (is 0)")]
    [InlineData("Relay", "Relay: Port: The field RelayOptions.Port must be between 1 and 65535.", "Relay:Port must be between 1 and 65535")]
    [InlineData("Relay", "Relay:Password is needed with Relay:Username", "Relay:Password is needed with Relay:Username")]
    public void A_validation_failure_says_its_key_once(string section, string failure, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:MaxBatchWrites"] = "0" }).Build();
        Assert.Equal(expected, SettingMessages.FromValidation(section, failure, configuration));
    }
}
