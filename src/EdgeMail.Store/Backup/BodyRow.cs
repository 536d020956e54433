using Microsoft.Data.Sqlite;

namespace EdgeMail.Store.Backup;

/// <summary>One row of the bodies table, as a backup or a check reads it from a snapshot of the database.</summary>
internal sealed record BodyRow(long Id, long? Segment, long Offset, long Length, string? File, byte[]? Sha256)
{
    /// <summary>Every body, in the order that reads the files front to back: segments by offset, then own files.</summary>
    public static List<BodyRow> ReadAll(SqliteConnection connection, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT id, segment, offset, length, file, sha256 FROM bodies ORDER BY segment IS NULL, segment, offset";
        using var reader = command.ExecuteReader();
        var rows = new List<BodyRow>();
        while (reader.Read())
        {
            rows.Add(new BodyRow(
                reader.GetInt64(0),
                reader.IsDBNull(1) ? null : reader.GetInt64(1),
                reader.GetInt64(2),
                reader.GetInt64(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : (byte[])reader.GetValue(5)));
        }

        return rows;
    }

    /// <summary>The message that shows this body to a user, for a report line: account, mailbox, UID.</summary>
    public static string Describe(SqliteConnection connection, long bodyId)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT a.address, b.name, m.uid FROM messages m JOIN mailboxes b ON b.id = m.mailbox_id JOIN accounts a ON a.id = b.account_id
            WHERE m.body_id = $b ORDER BY m.mailbox_id, m.uid LIMIT 1
            """;
        command.Parameters.AddWithValue("$b", bodyId);
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? $"{reader.GetString(0)} mailbox {reader.GetString(1)} UID {reader.GetInt64(2)}"
            : $"body {bodyId} (a queued message or no message)";
    }
}
