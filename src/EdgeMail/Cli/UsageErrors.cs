using System.CommandLine;
using System.CommandLine.Parsing;

namespace EdgeMail.Cli;

/// <summary>
/// A parse failure as the one line a user reads: what is missing or wrong, named, and where the help is. Written
/// here rather than taken from System.CommandLine, whose wording names its own terms ("Required argument missing for
/// command") and which, in the published binary, would print resource keys (UseSystemResourceKeys).
/// </summary>
internal static class UsageErrors
{
    public static string Describe(ParseResult result)
    {
        var command = result.CommandResult.Command;
        var path = CommandPath(result.CommandResult);
        var help = path.Length == 0 ? "edgemail --help" : $"edgemail {path} --help";
        var prefix = path.Length == 0 ? "" : path + ": ";

        if (result.UnmatchedTokens.Count > 0)
        {
            var token = result.UnmatchedTokens[0];
            if (token.StartsWith('-'))
            {
                return $"{prefix}unknown option {token} (settings are given as --Section:Key=value; see {help})";
            }

            return command.Subcommands.Count > 0
                ? $"unknown {(path.Length == 0 ? "command" : path + " subcommand")} '{token}' (see {help})"
                : $"{prefix}unexpected argument '{token}' (see {help})";
        }

        if (command.Subcommands.Count > 0 && command.Action is null)
        {
            var names = command.Subcommands.Select(c => c.Name).ToList();
            var choices = names.Count == 1 ? names[0] : string.Join(", ", names[..^1]) + " or " + names[^1];
            return $"{(path.Length == 0 ? "a command is needed" : path + " needs a subcommand")}: {choices} (see {help})";
        }

        foreach (var argument in command.Arguments)
        {
            if (result.GetResult(argument) is not ArgumentResult given || given.Tokens.Count < argument.Arity.MinimumNumberOfValues)
            {
                return $"{prefix}missing the {argument.Name} (usage: edgemail {path} {argument.HelpName ?? argument.Name}; see {help})";
            }
        }

        // Errors of our own (a custom parser's) are already one readable line.
        var said = string.Join("; ", result.Errors.Select(e => CliProgram.OneLine(e.Message)));
        return prefix + said + (said.Contains("(see ", StringComparison.Ordinal) ? "" : $" (see {help})");
    }

    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is CommandResult c && c.Parent is not null; r = c.Parent)
        {
            names.Insert(0, c.Command.Name);
        }

        return string.Join(' ', names);
    }
}
