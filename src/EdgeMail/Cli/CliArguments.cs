namespace EdgeMail;

/// <summary>
/// The parsed command line: the verb words, the switches every verb shares (--data, --config,
/// --json, --password-stdin) and configuration overrides (--Section:Key=value).
/// </summary>
internal sealed class CliArguments
{
    public List<string> Words { get; } = [];

    public Dictionary<string, string?> Settings { get; } = new(StringComparer.OrdinalIgnoreCase);

    public string? ConfigFile { get; private set; }

    public bool Json { get; private set; }

    public bool PasswordStdin { get; private set; }

    public static CliArguments Parse(string[] args)
    {
        var result = new CliArguments();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                result.Words.Add(arg);
                continue;
            }

            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? arg[2..] : arg[2..eq];
            string TakeValue()
            {
                if (eq >= 0)
                {
                    return arg[(eq + 1)..];
                }

                if (i + 1 >= args.Length)
                {
                    throw new UsageException($"--{name} needs a value");
                }

                return args[++i];
            }

            switch (name)
            {
                case "data":
                    result.Settings["Storage:Path"] = TakeValue();
                    break;
                case "config":
                    result.ConfigFile = TakeValue();
                    break;
                case "json":
                    result.Json = true;
                    break;
                case "password-stdin":
                    result.PasswordStdin = true;
                    break;
                default:
                    if (!name.Contains(':', StringComparison.Ordinal) || eq < 0)
                    {
                        throw new UsageException($"unknown option --{name} (settings are given as --Section:Key=value)");
                    }

                    result.Settings[name] = TakeValue();
                    break;
            }
        }

        return result;
    }
}
