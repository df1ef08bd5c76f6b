using System.Data.Common;
using System.Text;
using Npgsql;
using Proposals.Data;

namespace Proposals.Benchmarks;

/// <summary>
/// Writes many rows fast: PostgreSQL's binary COPY, or on SQLite one prepared statement of many rows executed again
/// and again. Values are CLR values of the column's type (long, int, string, bool, DateTime in UTC, DateOnly) or null.
/// </summary>
internal static class BulkRows
{
    // SQLite finds each parameter by name with a linear search, so a statement of thousands of parameters binds in
    // quadratic time; a few hundred keep most of the gain of many rows a statement.
    private const int ParametersPerStatement = 240;

    public static async Task WriteAsync(DbConnection connection, DbTransaction transaction, DatabaseProvider provider, string table, IReadOnlyList<string> columns, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }
        if (provider == DatabaseProvider.PostgreSql)
        {
            await CopyAsync((NpgsqlConnection)connection, table, columns, rows, cancellationToken);
            return;
        }
        var perStatement = Math.Max(1, ParametersPerStatement / columns.Count);
        DbCommand? full = null;
        try
        {
            for (var start = 0; start < rows.Count; start += perStatement)
            {
                var count = Math.Min(perStatement, rows.Count - start);
                if (count == perStatement)
                {
                    full ??= await PrepareAsync(connection, transaction, table, columns, count, cancellationToken);
                    await ExecuteAsync(full, rows, start, count, cancellationToken);
                }
                else
                {
                    await using var rest = await PrepareAsync(connection, transaction, table, columns, count, cancellationToken);
                    await ExecuteAsync(rest, rows, start, count, cancellationToken);
                }
            }
        }
        finally
        {
            if (full is not null)
            {
                await full.DisposeAsync();
            }
        }
    }

    private static async Task<DbCommand> PrepareAsync(DbConnection connection, DbTransaction transaction, string table, IReadOnlyList<string> columns, int rows, CancellationToken cancellationToken)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        var text = new StringBuilder($"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ");
        for (var row = 0; row < rows; row++)
        {
            text.Append(row == 0 ? "(" : ", (");
            for (var column = 0; column < columns.Count; column++)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = $"@p{row * columns.Count + column}";
                command.Parameters.Add(parameter);
                text.Append(column == 0 ? "" : ", ").Append(parameter.ParameterName);
            }
            text.Append(')');
        }
        command.CommandText = text.ToString();
        await command.PrepareAsync(cancellationToken);
        return command;
    }

    private static async Task ExecuteAsync(DbCommand command, IReadOnlyList<object?[]> rows, int start, int count, CancellationToken cancellationToken)
    {
        var index = 0;
        for (var row = start; row < start + count; row++)
        {
            foreach (var value in rows[row])
            {
                command.Parameters[index++].Value = value ?? DBNull.Value;
            }
        }
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task CopyAsync(NpgsqlConnection connection, string table, IReadOnlyList<string> columns, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
    {
        await using var writer = await connection.BeginBinaryImportAsync($"COPY {table} ({string.Join(", ", columns)}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var row in rows)
        {
            await writer.StartRowAsync(cancellationToken);
            foreach (var value in row)
            {
                if (value is null)
                {
                    await writer.WriteNullAsync(cancellationToken);
                }
                else
                {
                    await writer.WriteAsync(value, cancellationToken);
                }
            }
        }
        await writer.CompleteAsync(cancellationToken);
    }
}
