using System.Globalization;
using System.Text;

namespace EdgeMail.Benchmarks.Output;

/// <summary>A titled table of preformatted cells, printed as aligned text (numbers right-aligned).</summary>
internal sealed class Table(string title, params string[] columns)
{
    public string Title { get; } = title;

    public IReadOnlyList<string> Columns { get; } = columns;

    public List<string[]> Rows { get; } = [];

    public List<string> Notes { get; } = [];

    public Table Add(params object[] cells)
    {
        Rows.Add(cells.Select(Format).ToArray());
        return this;
    }

    public Table Note(string text)
    {
        Notes.Add(text);
        return this;
    }

    public static bool IsNumber(string cell) => double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value);

    public override string ToString()
    {
        var widths = Columns.Select((c, i) => Math.Max(c.Length, Rows.Count == 0 ? 0 : Rows.Max(r => i < r.Length ? r[i].Length : 0))).ToArray();
        var text = new StringBuilder();
        text.Append("## ").Append(Title).Append('\n');
        AppendLine(text, Columns, widths);
        text.Append(string.Join("  ", widths.Select(w => new string('-', w)))).Append('\n');
        foreach (var row in Rows)
        {
            AppendLine(text, row, widths);
        }

        foreach (var note in Notes)
        {
            text.Append("  ").Append(note).Append('\n');
        }

        return text.ToString();
    }

    private static void AppendLine(StringBuilder text, IReadOnlyList<string> cells, int[] widths)
    {
        for (var i = 0; i < widths.Length; i++)
        {
            var cell = i < cells.Count ? cells[i] : "";
            text.Append(IsNumber(cell) ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]));
            if (i < widths.Length - 1)
            {
                text.Append("  ");
            }
        }

        // Trailing padding of the last column is noise in diffs and logs.
        while (text.Length > 0 && text[^1] == ' ')
        {
            text.Length--;
        }

        text.Append('\n');
    }

    private static string Format(object cell) => cell switch
    {
        double d => d.ToString(Math.Abs(d) >= 100 ? "F0" : Math.Abs(d) >= 10 ? "F1" : "F2", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => cell.ToString() ?? "",
    };
}
