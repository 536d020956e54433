using EdgeMail.Imap;
using EdgeMail.Pop3;
using EdgeMail.Smtp;
using EdgeMail.Smtp.Relay;
using EdgeMail.Auth.Throttling;
using EdgeMail.Net;
using EdgeMail.Store;
using Microsoft.Extensions.Configuration;

namespace EdgeMail.Configuration;

/// <summary>
/// Builds the configuration with its precedence: compiled defaults &lt; JSON file (--config FILE, or
/// edgemail.json in the data folder if present) &lt; environment EDGEMAIL_Section__Key &lt; command line
/// --Section:Key=value (and --data DIR for Storage:Path).
/// </summary>
internal static class EdgeMailConfiguration
{
    public const string EnvironmentPrefix = "EDGEMAIL_";

    public static IConfigurationRoot Build(CliArguments args)
    {
        // Where the data folder is decides where the default JSON file is, so it is resolved first
        // from the layers that cannot come from that file.
        var early = new ConfigurationBuilder()
            .AddEnvironmentVariables(EnvironmentPrefix)
            .AddInMemoryCollection(args.Settings)
            .Build();
        var dataPath = early["Storage:Path"] ?? new StoreOptions().Path;

        var builder = new ConfigurationBuilder();
        var configFile = args.ConfigFile;
        if (configFile is not null)
        {
            if (!File.Exists(configFile))
            {
                throw new UsageException($"--config: the file {configFile} does not exist");
            }

            builder.AddJsonFile(Path.GetFullPath(configFile), optional: false, reloadOnChange: false);
        }
        else
        {
            var inData = Path.GetFullPath(Path.Combine(dataPath, "edgemail.json"));
            builder.AddJsonFile(inData, optional: true, reloadOnChange: false);
        }

        builder.AddEnvironmentVariables(EnvironmentPrefix);
        builder.AddInMemoryCollection(args.Settings);
        try
        {
            return builder.Build();
        }
        catch (InvalidDataException ex)
        {
            throw new ConfigurationException($"the configuration file is not valid JSON: {ex.Message}");
        }
    }

    /// <summary>A key the options do not know is a mistake (a typo would otherwise be ignored silently).</summary>
    private static readonly Action<BinderOptions> Strict = o => o.ErrorOnUnknownConfiguration = true;

    public static EdgeMailSettings Bind(IConfiguration configuration)
    {
        var settings = BindSections(configuration);
        settings.Domains = BindDomains(configuration);

        // A list may also be given as one comma-separated value (--Smtp:TrustedNetworks=192.168.1.0/24,::1/128).
        if (configuration.GetSection("Smtp:TrustedNetworks").Value is { } networks)
        {
            settings.Smtp.TrustedNetworks = networks.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }

        if (configuration.GetSection("Relay:AllowedDomains").Value is { } allowed)
        {
            settings.Relay.AllowedDomains = allowed.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }

        Validate(settings);
        return settings;
    }

    private static EdgeMailSettings BindSections(IConfiguration configuration) =>
        new()
        {
            Storage = Section(configuration, StoreOptions.SectionName, c => c.Get<StoreOptions>(Strict)),
            Network = Section(configuration, "Network", c => c.Get<NetOptions>(Strict)),
            Tls = Section(configuration, "Tls", c => c.Get<TlsOptions>(Strict)),
            Throttle = Section(configuration, LoginThrottleOptions.SectionName, c => c.Get<LoginThrottleOptions>(Strict)),
            Imap = Section(configuration, "Imap", c => c.Get<ImapOptions>(Strict)),
            Pop3 = Section(configuration, "Pop3", c => c.Get<Pop3Options>(Strict)),
            Smtp = Section(configuration, SmtpOptions.SectionName, c => c.Get<SmtpOptions>(Strict)),
            Relay = Section(configuration, RelayOptions.SectionName, c => c.Get<RelayOptions>(Strict)),
            Web = Section(configuration, "Web", c => c.Get<WebOptions>(Strict)),
            Memory = Section(configuration, "Memory", c => c.Get<EdgeMail.Hosting.MemoryOptions>(Strict)),
        };

    /// <summary>Binds one section; an unknown key fails with a line that names it.</summary>
    private static T Section<T>(IConfiguration configuration, string name, Func<IConfigurationSection, T?> bind)
        where T : new()
    {
        try
        {
            return bind(configuration.GetSection(name)) ?? new T();
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains("ErrorOnUnknownConfiguration", StringComparison.Ordinal))
        {
            var unknown = ex.Message[(ex.Message.LastIndexOf(": ", StringComparison.Ordinal) + 2)..].Replace("'", string.Empty, StringComparison.Ordinal);
            throw new ConfigurationException($"{name}: unknown setting {string.Join(", ", unknown.Split(", ").Select(k => $"{name}:{k}"))}");
        }
    }

    private static string[] BindDomains(IConfiguration configuration)
    {
        var domains = configuration.GetSection("Domains");
        var list = domains.Get<string[]>();
        if (list is null && domains.Value is { } single)
        {
            list = single.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }

        return list is { Length: > 0 } ? list : ["edgemail.local"];
    }

    /// <summary>Validation at start: the first problem, as one line that names the key.</summary>
    private static void Validate(EdgeMailSettings s)
    {
        Port("Imap:Port", s.Imap.Port);
        Port("Imap:TlsPort", s.Imap.TlsPort);
        Port("Pop3:Port", s.Pop3.Port);
        Port("Pop3:TlsPort", s.Pop3.TlsPort);
        Port("Smtp:Port", s.Smtp.Port);
        Port("Smtp:SubmissionPort", s.Smtp.SubmissionPort);
        Port("Smtp:TlsPort", s.Smtp.TlsPort);
        Port("Web:Port", s.Web.Port);
        if (string.IsNullOrWhiteSpace(s.Storage.Path))
        {
            throw new ConfigurationException("Storage:Path must not be empty");
        }

        var net = new NetOptionsValidator().Validate(null, s.Network);
        if (net.Failed)
        {
            throw new ConfigurationException(net.Failures.First());
        }

        var tls = new TlsOptionsValidator().Validate(null, s.Tls);
        if (tls.Failed)
        {
            throw new ConfigurationException(tls.Failures.First());
        }

        var throttle = new LoginThrottleOptionsValidator().Validate(null, s.Throttle);
        if (throttle.Failed)
        {
            throw new ConfigurationException(throttle.Failures.First());
        }

        var imap = new ImapOptionsValidator().Validate(null, s.Imap);
        if (imap.Failed)
        {
            throw new ConfigurationException("Imap: " + imap.Failures.First());
        }

        var pop3 = new Pop3OptionsValidator().Validate(null, s.Pop3);
        if (pop3.Failed)
        {
            throw new ConfigurationException(pop3.Failures.First());
        }

        if (SmtpOptionsValidator.FirstProblem(s.Smtp) is { } smtpProblem)
        {
            throw new ConfigurationException(smtpProblem);
        }

        if (RelayOptionsValidator.FirstProblem(s.Relay) is { } relayProblem)
        {
            throw new ConfigurationException(relayProblem);
        }

        if (EdgeMail.Hosting.MemoryOptions.FirstProblem(s.Memory) is { } memoryProblem)
        {
            throw new ConfigurationException(memoryProblem);
        }

        var store = new StoreOptionsValidator().Validate(null, s.Storage);
        if (store.Failed)
        {
            throw new ConfigurationException("Storage: " + store.Failures.First());
        }

        try
        {
            s.Network.GetBindAddresses();
        }
        catch (FormatException ex)
        {
            throw new ConfigurationException(ex.Message);
        }

        foreach (var domain in s.Domains)
        {
            if (domain.Length == 0 || domain.Any(c => char.IsWhiteSpace(c) || c is '@' or '/' or ','))
            {
                throw new ConfigurationException($"Domains: '{domain}' is not a domain name");
            }
        }
    }

    private static void Port(string key, int value)
    {
        if (value is < 0 or > 65535)
        {
            throw new ConfigurationException($"{key} must be a port from 0 (off) to 65535 (is {value})");
        }
    }
}
