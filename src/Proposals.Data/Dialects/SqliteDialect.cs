using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Proposals.Data.Dialects;

/// <summary>SQLite: one writer at a time, so a write transaction takes the lock when it begins (BEGIN IMMEDIATE) rather than failing at its first write.</summary>
public sealed class SqliteDialect : SqlDialect
{
    private const int ConstraintError = 19;

    public override DbConnection CreateConnection(string connectionString) => new SqliteConnection(connectionString);

    public override string Paging => "LIMIT @Limit OFFSET @Offset";

    protected override string JsonTextOf(string column, string name) => $"CAST(json_extract({column}, '$.{name}') AS TEXT)";

    public override string InsertReturningId(string table, string columns, string values) =>
        $"INSERT INTO {table} ({columns}) VALUES ({values}) RETURNING id";

    public override Task<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        // deferred: false issues BEGIN IMMEDIATE; waiting writers then queue on the busy timeout instead of deadlocking on lock upgrade.
        return Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));
    }

    // The write transaction holds the database's only write lock, so the inner SELECT cannot race another claimer.
    public override string ClaimBatch(string table, string due, string orderBy, IReadOnlyList<string> columns) => $"""
        UPDATE {table} SET claimed_by = @Owner, claimed_until = @LeaseUntil
        WHERE id IN (SELECT id FROM {table} WHERE {due} ORDER BY {orderBy} LIMIT @BatchSize)
        RETURNING {string.Join(", ", columns)}
        """;

    public override string UpdateReturning(string table, string assignments, string where, IReadOnlyList<string> columns) =>
        $"UPDATE {table} SET {assignments} WHERE {where} RETURNING {string.Join(", ", columns)}";

    // SQLITE_BUSY and SQLITE_LOCKED outlasting the busy timeout: another writer held the file too long.
    public override bool IsTransient(Exception exception) => exception is SqliteException { SqliteErrorCode: 5 or 6 };

    public override bool IsUniqueViolation(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: ConstraintError } sqlite
        && (sqlite.SqliteExtendedErrorCode is 2067 or 1555);

    /// <summary>Turns on foreign keys and a generous busy timeout, and creates the file's folder.</summary>
    public override string Normalise(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (string.IsNullOrWhiteSpace(builder.DataSource))
        {
            // An empty Data Source is a throw-away temporary database: every record would vanish with the process.
            throw new ArgumentException("Data Source is empty; name the database file, as in Data Source=data/proposals.db", nameof(connectionString));
        }
        builder = new SqliteConnectionStringBuilder(builder.ConnectionString)
        {
            ForeignKeys = true,
            DefaultTimeout = 30,
            Pooling = true,
        };
        if (builder.Mode != SqliteOpenMode.Memory && !string.IsNullOrEmpty(builder.DataSource) && builder.DataSource != ":memory:")
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }
        }
        return builder.ToString();
    }
}
