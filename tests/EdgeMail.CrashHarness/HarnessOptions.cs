using System.Globalization;

namespace EdgeMail.CrashHarness;

/// <summary>The command line: --rounds N [--binary PATH] [--seed S] [--data DIR] [--kill-window MIN-MAX (ms)].</summary>
internal sealed record HarnessOptions(int Rounds, string? Binary, int Seed, string? Data, int KillAfterMinMs, int KillAfterMaxMs)
{
    public const string Usage = "usage: EdgeMail.CrashHarness --rounds N [--binary PATH] [--seed S] [--data DIR] [--kill-window MIN-MAX]";

    /// <summary>Parses <paramref name="args"/>; on a mistake, <paramref name="error"/> is one line for stderr.</summary>
    public static HarnessOptions? Parse(string[] args, out string? error)
    {
        int? rounds = null;
        string? binary = null, data = null;
        var seed = Environment.TickCount & 0x7fffffff;
        (int Min, int Max) window = (200, 3000);
        error = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            if (value is null)
            {
                error = $"{args[i]} needs a value. {Usage}";
                return null;
            }

            switch (args[i])
            {
                case "--rounds" when int.TryParse(value, CultureInfo.InvariantCulture, out var n) && n > 0:
                    rounds = n;
                    break;
                case "--seed" when int.TryParse(value, CultureInfo.InvariantCulture, out var s):
                    seed = s;
                    break;
                case "--binary":
                    binary = Path.GetFullPath(value);
                    break;
                case "--data":
                    data = Path.GetFullPath(value);
                    break;
                case "--kill-window" when value.Split('-') is [var a, var b]
                    && int.TryParse(a, CultureInfo.InvariantCulture, out var min) && int.TryParse(b, CultureInfo.InvariantCulture, out var max) && 0 <= min && min < max:
                    window = (min, max);
                    break;
                default:
                    error = $"'{args[i]} {value}' is not understood. {Usage}";
                    return null;
            }

            i++;
        }

        if (rounds is null)
        {
            error = $"--rounds is required. {Usage}";
            return null;
        }

        return new HarnessOptions(rounds.Value, binary, seed, data, window.Min, window.Max);
    }
}
