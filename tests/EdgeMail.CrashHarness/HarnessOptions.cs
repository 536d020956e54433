using System.Globalization;
using EdgeMail.CrashHarness.Fetch;

namespace EdgeMail.CrashHarness;

/// <summary>
/// The command line: --rounds N [--binary PATH] [--seed S] [--data DIR] [--kill-window MIN-MAX (ms)]; with --fetch
/// MODES (all, or some of imap-keep,imap-delete,pop3-delete) the fetch rounds instead, --rounds kills for each mode
/// and --messages a sync (default 200).
/// </summary>
internal sealed record HarnessOptions(int Rounds, string? Binary, int Seed, string? Data, int KillAfterMinMs, int KillAfterMaxMs, IReadOnlyList<FetchMode>? Fetch = null, int Messages = 200)
{
    public const string Usage = "usage: EdgeMail.CrashHarness --rounds N [--binary PATH] [--seed S] [--data DIR] [--kill-window MIN-MAX] [--fetch all|imap-keep,imap-delete,pop3-delete [--messages N]]";

    /// <summary>Parses <paramref name="args"/>; on a mistake, <paramref name="error"/> is one line for stderr.</summary>
    public static HarnessOptions? Parse(string[] args, out string? error)
    {
        int? rounds = null;
        string? binary = null, data = null;
        var seed = Environment.TickCount & 0x7fffffff;
        (int Min, int Max) window = (200, 3000);
        IReadOnlyList<FetchMode>? fetch = null;
        var messages = 200;
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
                case "--fetch" when FetchMode.Parse(value) is { } modes:
                    fetch = modes;
                    break;
                case "--messages" when int.TryParse(value, CultureInfo.InvariantCulture, out var m) && m > 0:
                    messages = m;
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

        return new HarnessOptions(rounds.Value, binary, seed, data, window.Min, window.Max, fetch, messages);
    }
}
