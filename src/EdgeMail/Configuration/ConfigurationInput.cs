using EdgeMail.Cli;

namespace EdgeMail.Configuration;

/// <summary>
/// What the command line contributes to the configuration: the --Section:Key=value overrides (and --data DIR as
/// Storage:Path), the --config FILE, and whether the installed system file may stand in when neither is given.
/// </summary>
internal sealed class ConfigurationInput
{
    /// <summary>Settings outside any section, given as --Name=value (--Domains=a.example,b.example).</summary>
    private static readonly string[] TopLevelSettings = ["Domains"];

    public Dictionary<string, string?> Settings { get; } = new(StringComparer.OrdinalIgnoreCase);

    public string? ConfigFile { get; set; }

    /// <summary>
    /// The admin verbs (status, user, queue, sendmail) read /etc/edgemail/edgemail.json when neither --config nor
    /// --data is given, as Postfix's tools read main.cf; serve never does (it uses only what it is given).
    /// </summary>
    public bool MayUseSystemConfig { get; set; }

    public bool DataGiven => Settings.ContainsKey("Storage:Path");

    /// <summary>
    /// Takes every --Section:Key=value out of <paramref name="args"/> into <see cref="Settings"/> and returns the rest,
    /// in order, for the verb's parser (and --Domains=LIST). A setting always has '=' (--Imap:Port=143): a space-separated value would be
    /// ambiguous with the verb's own words.
    /// </summary>
    public string[] TakeSettings(IEnumerable<string> args)
    {
        var rest = new List<string>();
        foreach (var arg in args)
        {
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                rest.Add(arg);
                continue;
            }

            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? arg[2..] : arg[2..eq];
            if (!name.Contains(':', StringComparison.Ordinal) && !TopLevelSettings.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                rest.Add(arg);
                continue;
            }

            if (eq < 0)
            {
                throw new UsageException($"--{name} needs a value: --{name}=VALUE");
            }

            Settings[name] = arg[(eq + 1)..];
        }

        return [.. rest];
    }
}
