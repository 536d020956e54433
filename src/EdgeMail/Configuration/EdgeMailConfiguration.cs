using EdgeMail.Cli;
using EdgeMail.Imap;
using EdgeMail.Pop3;
using EdgeMail.Smtp;
using EdgeMail.Smtp.Relay;
using EdgeMail.Auth;
using EdgeMail.Auth.Pairing;
using EdgeMail.Device;
using EdgeMail.Control;
using EdgeMail.Net;
using EdgeMail.Store;
using EdgeMail.Web;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeMail.Configuration;

/// <summary>
/// Builds the configuration with its precedence: compiled defaults &lt; JSON file (--config FILE, or edgemail.json in
/// the data folder if present, or for the admin verbs given neither --config nor --data the installed
/// /etc/edgemail/edgemail.json) &lt; environment EDGEMAIL_Section__Key &lt; command line --Section:Key=value (and
/// --data DIR for Storage:Path).
/// </summary>
internal static class EdgeMailConfiguration
{
    public const string EnvironmentPrefix = "EDGEMAIL_";

    /// <summary>The installed service's configuration, which the admin verbs fall back to.</summary>
    public const string SystemConfigPath = "/etc/edgemail/edgemail.json";

    /// <summary>
    /// Moves <see cref="SystemConfigPath"/> elsewhere, for tests and for packaging that installs under another
    /// prefix. An empty value turns the fallback off.
    /// </summary>
    public const string SystemConfigVariable = "EDGEMAIL_SYSTEM_CONFIG";

    public static IConfigurationRoot Build(ConfigurationInput input)
    {
        // Where the data folder is decides where the default JSON file is, so it is resolved first
        // from the layers that cannot come from that file.
        var early = new ConfigurationBuilder()
            .AddEnvironmentVariables(EnvironmentPrefix)
            .AddInMemoryCollection(input.Settings)
            .Build();
        var dataPath = early["Storage:Path"] ?? new StoreOptions().Path;

        var builder = new ConfigurationBuilder();
        var configFile = input.ConfigFile ?? SystemConfigFallback(input);
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
        builder.AddInMemoryCollection(input.Settings);
        try
        {
            return builder.Build();
        }
        catch (InvalidDataException ex)
        {
            // The provider's own text is a resource key in the published binary (UseSystemResourceKeys): say where instead.
            var file = configFile ?? Path.Combine(dataPath, "edgemail.json");
            throw new ConfigurationException(ex.GetBaseException() is System.Text.Json.JsonException { LineNumber: { } line, BytePositionInLine: { } position }
                ? $"the configuration file {file} is not valid JSON (line {line + 1}, byte {position + 1})"
                : $"the configuration file {file} is not valid JSON: {ex.Message}");
        }
        catch (UnauthorizedAccessException)
        {
            throw new ConfigurationException($"the configuration file {configFile ?? Path.Combine(dataPath, "edgemail.json")} cannot be read: permission denied");
        }
    }

    /// <summary>The full path of the JSON file <paramref name="configuration"/> was built from (serve --check names it, a backup keeps it); null when none was read (the defaults).</summary>
    public static string? LoadedFile(IConfigurationRoot configuration)
    {
        foreach (var provider in configuration.Providers)
        {
            if (provider is FileConfigurationProvider { Source: { FileProvider: { } files, Path: { } path } }
                && files.GetFileInfo(path) is { Exists: true, PhysicalPath: { } physical })
            {
                return physical;
            }
        }

        return null;
    }

    /// <summary>The installed configuration, when the verb may use it, neither --config nor --data was given, and it exists.</summary>
    private static string? SystemConfigFallback(ConfigurationInput input)
    {
        if (!input.MayUseSystemConfig || input.DataGiven)
        {
            return null;
        }

        var path = Environment.GetEnvironmentVariable(SystemConfigVariable) ?? SystemConfigPath;
        return path.Length > 0 && File.Exists(path) ? path : null;
    }

    /// <summary>A key the options do not know is a mistake (a typo would otherwise be ignored silently).</summary>
    private static readonly Action<BinderOptions> Strict = o => o.ErrorOnUnknownConfiguration = true;

    /// <summary>The top-level keys a file or the command line may hold; anything else is a mistake.</summary>
    private static readonly string[] KnownSections =
    [
        StoreOptions.SectionName, "Network", "Tls", AuthOptions.SectionName, "Imap", "Pop3", SmtpOptions.SectionName,
        RelayOptions.SectionName, "Web", "Memory", ControlOptions.SectionName, DeviceOptions.SectionName, "Domains", "Logging",
        EdgeMail.Backup.BackupOptions.SectionName, EdgeMail.Fetch.FetchOptions.SectionName,
    ];

    public static EdgeMailSettings Bind(IConfigurationRoot configuration)
    {
        RefuseUnknownSections(configuration);
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

        if (configuration.GetSection("Device:MailLed:Accounts").Value is { } watched)
        {
            settings.Device.MailLed.Accounts = watched.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }

        Validate(settings, configuration);
        return settings;
    }

    /// <summary>
    /// An unknown section (--Foo:Bar=1, or a misspelt "Imapp" in the file) is refused like an unknown key. The
    /// environment is not checked: other EDGEMAIL_ variables (of packaging or tests) live there too.
    /// </summary>
    private static void RefuseUnknownSections(IConfigurationRoot configuration)
    {
        var known = KnownSections.Select(s => s.Split(':')[0]).Distinct(StringComparer.Ordinal).ToArray();
        foreach (var provider in configuration.Providers)
        {
            if (provider is Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationProvider)
            {
                continue;
            }

            foreach (var key in provider.GetChildKeys([], parentPath: null).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                if (!known.Contains(key, StringComparer.OrdinalIgnoreCase))
                {
                    throw new ConfigurationException($"{key}: unknown section (the sections are {string.Join(", ", known)})");
                }
            }
        }
    }

    private static EdgeMailSettings BindSections(IConfiguration configuration) =>
        new()
        {
            Storage = Section(configuration, StoreOptions.SectionName, c => c.Get<StoreOptions>(Strict)),
            Network = Section(configuration, "Network", c => c.Get<NetOptions>(Strict)),
            Tls = Section(configuration, "Tls", c => c.Get<TlsOptions>(Strict)),
            Auth = Section(configuration, AuthOptions.SectionName, c => c.Get<AuthOptions>(Strict)),
            Imap = Section(configuration, "Imap", c => c.Get<ImapOptions>(Strict)),
            Pop3 = Section(configuration, "Pop3", c => c.Get<Pop3Options>(Strict)),
            Smtp = Section(configuration, SmtpOptions.SectionName, c => c.Get<SmtpOptions>(Strict)),
            Relay = Section(configuration, RelayOptions.SectionName, c => c.Get<RelayOptions>(Strict)),
            Web = Section(configuration, WebOptions.SectionName, c => c.Get<WebOptions>(Strict)),
            Memory = Section(configuration, "Memory", c => c.Get<EdgeMail.Hosting.MemoryOptions>(Strict)),
            Control = Section(configuration, ControlOptions.SectionName, c => c.Get<ControlOptions>(Strict)),
            Device = Section(configuration, DeviceOptions.SectionName, c => WithoutPairing(c).Get<DeviceOptions>(Strict)),
            Pairing = Section(configuration, PairingOptions.SectionName, c => c.Get<PairingOptions>(Strict)),
            Backup = Section(configuration, EdgeMail.Backup.BackupOptions.SectionName, c => c.Get<EdgeMail.Backup.BackupOptions>(Strict)),
            Fetch = Section(configuration, EdgeMail.Fetch.FetchOptions.SectionName, c => c.Get<EdgeMail.Fetch.FetchOptions>(Strict)),
        };

    /// <summary>
    /// The Device section without its Pairing subsection, which the pairing window's own options bind (Auth owns
    /// pairing; the device layer only shows it), so that the device layer's strict binding does not refuse it.
    /// </summary>
    private static IConfiguration WithoutPairing(IConfigurationSection device)
    {
        var pairing = PairingOptions.SectionName[(DeviceOptions.SectionName.Length + 1)..];
        var keys = device.AsEnumerable(makePathsRelative: true)
            .Where(kv => kv.Value is not null && !kv.Key.Equals(pairing, StringComparison.OrdinalIgnoreCase) && !kv.Key.StartsWith(pairing + ":", StringComparison.OrdinalIgnoreCase));
        return new ConfigurationBuilder().AddInMemoryCollection(keys).Build();
    }

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
        catch (InvalidOperationException ex) when (SettingMessages.FromConversionFailure(ex.Message) is { } problem)
        {
            // The Device section is bound from a copy without its Pairing part, whose keys are relative to it.
            throw new ConfigurationException(problem.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase) ? problem : $"{name}:{problem}");
        }
    }

    private static string[] BindDomains(IConfiguration configuration)
    {
        var domains = configuration.GetSection("Domains");
        var list = domains.Get<string[]>();
        // One comma-separated value (--Domains=a.example,b.example) binds as an empty array, not null.
        if (list is not { Length: > 0 } && domains.Value is { } single)
        {
            list = single.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }

        return list is { Length: > 0 } ? list : ["edgemail.local"];
    }

    /// <summary>Validation at start: the first problem, as one line that names the key once.</summary>
    private static void Validate(EdgeMailSettings s, IConfiguration configuration)
    {
        Port("Imap:Port", s.Imap.Port);
        Port("Imap:TlsPort", s.Imap.TlsPort);
        Port("Pop3:Port", s.Pop3.Port);
        Port("Pop3:TlsPort", s.Pop3.TlsPort);
        Port("Smtp:Port", s.Smtp.Port);
        Port("Smtp:SubmissionPort", s.Smtp.SubmissionPort);
        Port("Smtp:TlsPort", s.Smtp.TlsPort);
        Port("Web:Port", s.Web.Port);
        Port("Web:TlsPort", s.Web.TlsPort);
        if (string.IsNullOrWhiteSpace(s.Storage.Path))
        {
            throw new ConfigurationException("Storage:Path must not be empty");
        }

        void Check(string section, string? failure)
        {
            if (failure is not null)
            {
                throw new ConfigurationException(SettingMessages.FromValidation(section, failure, configuration));
            }
        }

        static string? First(ValidateOptionsResult result) => result.Failed ? result.Failures.First() : null;

        Check("Network", First(new NetOptionsValidator().Validate(null, s.Network)));
        Check("Tls", First(new TlsOptionsValidator().Validate(null, s.Tls)));
        Check(AuthOptions.SectionName, AuthOptions.FirstProblem(s.Auth));
        Check("Imap", First(new ImapOptionsValidator().Validate(null, s.Imap)));
        Check("Pop3", First(new Pop3OptionsValidator().Validate(null, s.Pop3)));
        Check(SmtpOptions.SectionName, SmtpOptionsValidator.FirstProblem(s.Smtp));
        Check(RelayOptions.SectionName, RelayOptionsValidator.FirstProblem(s.Relay));
        Check("Memory", EdgeMail.Hosting.MemoryOptions.FirstProblem(s.Memory));
        Check(ControlOptions.SectionName, ControlOptions.FirstProblem(s.Control));
        Check(PairingOptions.SectionName, PairingOptions.FirstProblem(s.Pairing));
        Check(StoreOptions.SectionName, First(new StoreOptionsValidator().Validate(null, s.Storage)));
        Check(DeviceOptions.SectionName, First(new DeviceOptionsValidator().Validate(null, s.Device)));
        Check(WebOptions.SectionName, WebOptions.FirstProblem(s.Web));
        Check(EdgeMail.Backup.BackupOptions.SectionName, EdgeMail.Backup.BackupOptions.FirstProblem(s.Backup));
        Check(EdgeMail.Fetch.FetchOptions.SectionName, EdgeMail.Fetch.FetchOptionsValidator.FirstProblem(s.Fetch));

        try
        {
            s.Network.GetBindAddresses();
        }
        catch (FormatException ex)
        {
            throw new ConfigurationException(SettingMessages.FromValidation("Network", ex.Message, configuration));
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
