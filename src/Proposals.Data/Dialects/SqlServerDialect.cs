using System.Data.Common;
using Microsoft.Data.SqlClient;

namespace Proposals.Data.Dialects;

/// <summary>SQL Server: OUTPUT INSERTED for generated ids and OFFSET/FETCH paging.</summary>
public sealed class SqlServerDialect : SqlDialect
{
    // 2627: PRIMARY KEY or UNIQUE constraint; 2601: unique index.
    private static readonly int[] DuplicateKeyErrors = [2627, 2601];

    public override string Normalise(string connectionString) => new SqlConnectionStringBuilder(connectionString).ConnectionString;

    public override DbConnection CreateConnection(string connectionString) => new SqlConnection(connectionString);

    public override string Paging => "OFFSET @Offset ROWS FETCH NEXT @Limit ROWS ONLY";

    protected override string JsonTextOf(string column, string name) => $"JSON_VALUE({column}, '$.{name}')";

    public override string InsertReturningId(string table, string columns, string values) =>
        $"INSERT INTO {table} ({columns}) OUTPUT INSERTED.id VALUES ({values})";

    // READPAST skips rows another host has locked, UPDLOCK keeps the rows read for this update so no one else
    // claims them between the read and the write, and ROWLOCK stops the engine escalating to page or table locks.
    public override string ClaimBatch(string table, string due, string orderBy, IReadOnlyList<string> columns) => $"""
        WITH batch AS (
            SELECT TOP (@BatchSize) * FROM {table} WITH (READPAST, UPDLOCK, ROWLOCK)
            WHERE {due}
            ORDER BY {orderBy}
        )
        UPDATE batch SET claimed_by = @Owner, claimed_until = @LeaseUntil
        OUTPUT {string.Join(", ", columns.Select(c => "INSERTED." + c.Trim()))};
        """;

    public override string UpdateReturning(string table, string assignments, string where, IReadOnlyList<string> columns) =>
        $"UPDATE {table} SET {assignments} OUTPUT {string.Join(", ", columns.Select(c => "INSERTED." + c.Trim()))} WHERE {where}";

    public override bool IsUniqueViolation(Exception exception) =>
        exception is SqlException sql && sql.Errors.Cast<SqlError>().Any(e => DuplicateKeyErrors.Contains(e.Number));

    // Deadlock victim (1205), lock timeout (1222), the database or server unavailable or being moved (4060, 40197, 40501,
    // 40613, 49918-49920, 10928, 10929), and the network: timeouts (-2), connection broken or refused (53, 64, 233, 10053,
    // 10054, 10060, 10061, 11001).
    private static readonly HashSet<int> TransientErrors =
        [1205, 1222, 4060, 40197, 40501, 40613, 49918, 49919, 49920, 10928, 10929, -2, 53, 64, 233, 10053, 10054, 10060, 10061, 11001];

    public override bool IsTransient(Exception exception) =>
        exception is SqlException sql && sql.Errors.Cast<SqlError>().Any(e => TransientErrors.Contains(e.Number));
}
