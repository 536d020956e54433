using System.Text.Json;

namespace EdgeMail.Benchmarks.Output;

/// <summary>
/// Where benchmarks put their results: text tables on stdout as each is done, or, with --json, one
/// JSON document at the end (numeric cells as numbers). Progress lines always go to stderr.
/// </summary>
internal sealed class Report(bool json)
{
    private readonly List<Table> _tables = [];
    private readonly List<string> _conclusions = [];

    public void Add(Table table)
    {
        _tables.Add(table);
        if (!json)
        {
            Console.WriteLine(table);
        }
    }

    public void Conclusion(string text)
    {
        _conclusions.Add(text);
        if (!json)
        {
            Console.WriteLine(text);
            Console.WriteLine();
        }
    }

    public static void Progress(string text) => Console.Error.WriteLine(text);

    public void Finish()
    {
        if (!json)
        {
            return;
        }

        using var stdout = Console.OpenStandardOutput();
        using var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        writer.WriteStartArray("tables");
        foreach (var table in _tables)
        {
            writer.WriteStartObject();
            writer.WriteString("title", table.Title);
            writer.WriteStartArray("rows");
            foreach (var row in table.Rows)
            {
                writer.WriteStartObject();
                for (var i = 0; i < table.Columns.Count && i < row.Length; i++)
                {
                    if (Table.IsNumber(row[i]))
                    {
                        writer.WritePropertyName(table.Columns[i]);
                        writer.WriteRawValue(row[i]);
                    }
                    else
                    {
                        writer.WriteString(table.Columns[i], row[i]);
                    }
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("notes");
            table.Notes.ForEach(writer.WriteStringValue);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("conclusions");
        _conclusions.ForEach(writer.WriteStringValue);
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
        stdout.WriteByte((byte)'\n');
    }
}
