using System.Data.Common;
using Npgsql;

namespace Proposals.Data.Dialects;

/// <summary>PostgreSQL: RETURNING for generated ids, LIMIT/OFFSET paging, and row locks that skip rows another host holds.</summary>
public sealed class PostgresDialect : SqlDialect
{
    private const string UniqueViolation = "23505";

    public override string Normalise(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString).ConnectionString;

    public override DbConnection CreateConnection(string connectionString) => new NpgsqlConnection(connectionString);

    public override string Paging => "LIMIT @Limit OFFSET @Offset";

    protected override string JsonTextOf(string column, string name) => $"(CAST({column} AS jsonb) ->> '{name}')";

    public override string InsertReturningId(string table, string columns, string values) =>
        $"INSERT INTO {table} ({columns}) VALUES ({values}) RETURNING id";

    // SKIP LOCKED: rows another host is claiming right now are passed over instead of waited for or taken twice.
    public override string ClaimBatch(string table, string due, string orderBy, IReadOnlyList<string> columns) => $"""
        UPDATE {table} SET claimed_by = @Owner, claimed_until = @LeaseUntil
        WHERE id IN (SELECT id FROM {table} WHERE {due} ORDER BY {orderBy} LIMIT @BatchSize FOR UPDATE SKIP LOCKED)
        RETURNING {string.Join(", ", columns)}
        """;

    public override string UpdateReturning(string table, string assignments, string where, IReadOnlyList<string> columns) =>
        $"UPDATE {table} SET {assignments} WHERE {where} RETURNING {string.Join(", ", columns)}";

    public override bool IsUniqueViolation(Exception exception) =>
        exception is PostgresException { SqlState: UniqueViolation };

    // Class 08 (connection), 57P01-57P03 (shut down, crash shutdown, cannot connect now), 53300 (too many connections),
    // 40001 and 40P01 (serialization failure, deadlock); a NpgsqlException that is not a server error is the network.
    public override bool IsTransient(Exception exception) => exception switch
    {
        PostgresException server => server.SqlState.StartsWith("08", StringComparison.Ordinal)
            || server.SqlState is "57P01" or "57P02" or "57P03" or "53300" or "40001" or "40P01",
        NpgsqlException client => client.IsTransient,
        _ => false,
    };

    // Dapper hands Npgsql an array as one parameter rather than expanding it, so the list is compared with ANY.
    public override string InList(string column, string parameter) => $"{column} = ANY(@{parameter})";
}
