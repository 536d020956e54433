using EdgeMail.Configuration;
using Microsoft.Extensions.Configuration;

namespace EdgeMail.Cli;

/// <summary>What every verb starts from: the configuration its command line asks for, built and bound on first use.</summary>
internal sealed class VerbContext(ConfigurationInput input)
{
    private IConfigurationRoot? _configuration;
    private EdgeMailSettings? _settings;

    public IConfigurationRoot Configuration => _configuration ??= EdgeMailConfiguration.Build(input);

    public EdgeMailSettings Settings => _settings ??= EdgeMailConfiguration.Bind(Configuration);

    /// <summary>The full path of the data folder.</summary>
    public string DataPath => Path.GetFullPath(Settings.Storage.Path);
}
