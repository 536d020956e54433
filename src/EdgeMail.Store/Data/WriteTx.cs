using Microsoft.Data.Sqlite;

namespace EdgeMail.Store.Data;

/// <summary>The writer loop's connection inside one batch transaction, with its prepared commands kept for reuse.</summary>
internal sealed class WriteTx(SqliteConnection connection)
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    public SqliteConnection Connection { get; } = connection;

    public SqliteTransaction? Transaction { get; set; }

    /// <summary>A command for this SQL, prepared once and reused across batches; parameters are cleared.</summary>
    public SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = Connection.CreateCommand();
            command.CommandText = sql;
            _commands[sql] = command;
        }

        command.Parameters.Clear();
        command.Transaction = Transaction;
        return command;
    }

    public void Execute(string sql)
    {
        var command = Command(sql);
        command.ExecuteNonQuery();
    }

    public void DisposeCommands()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
    }
}
