namespace EdgeMail.Cli;

/// <summary>sendmail's options as cron, NAS boxes and scripts pass them (Postfix sendmail(1) names).</summary>
internal sealed class SendmailOptions
{
    public bool ExtractRecipients { get; private set; }

    public bool IgnoreDots { get; private set; }

    public string? Sender { get; private set; }

    public string? FullName { get; private set; }

    public List<string> Recipients { get; } = [];

    public static SendmailOptions Parse(string[] args)
    {
        var options = new SendmailOptions();
        var i = 0;
        string Value(string arg, string flag)
        {
            if (arg.Length > flag.Length)
            {
                return arg[flag.Length..];
            }

            if (i + 1 >= args.Length)
            {
                throw new UsageException($"sendmail: {flag} needs a value");
            }

            return args[++i];
        }

        for (; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                options.Recipients.AddRange(args[(i + 1)..]);
                break;
            }

            if (!arg.StartsWith('-') || arg.Length == 1)
            {
                options.Recipients.AddRange(arg.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                continue;
            }

            switch (arg)
            {
                case "-t":
                    options.ExtractRecipients = true;
                    break;
                case "-i" or "-oi":
                    options.IgnoreDots = true;
                    break;
                case var f when f.StartsWith("-f", StringComparison.Ordinal) || f.StartsWith("-r", StringComparison.Ordinal):
                    options.Sender = Value(arg, arg[..2]).Trim('<', '>', ' ');
                    break;
                case var n when n.StartsWith("-F", StringComparison.Ordinal):
                    options.FullName = Value(arg, "-F");
                    break;
                case var o when o.StartsWith("-o", StringComparison.Ordinal) || o.StartsWith("-B", StringComparison.Ordinal) || o.StartsWith("-N", StringComparison.Ordinal) || o.StartsWith("-R", StringComparison.Ordinal) || o.StartsWith("-V", StringComparison.Ordinal):
                    // Delivery mode, body type, DSN and queue options: accepted for compatibility, the service decides.
                    if (o is "-B" or "-N" or "-R" or "-V")
                    {
                        i++;
                    }

                    break;
                case "-bm" or "-v" or "-U" or "-em" or "-ep" or "-eq":
                    break;
                default:
                    throw new UsageException($"sendmail: unknown option {arg}");
            }
        }

        return options;
    }
}
