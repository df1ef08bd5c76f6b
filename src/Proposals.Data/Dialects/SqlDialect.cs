using System.Data.Common;

namespace Proposals.Data.Dialects;

/// <summary>
/// What the supported databases spell differently, and nothing else: the stores write one SQL text and ask
/// the dialect only for paging, generated ids and the write transaction.
/// </summary>
public abstract class SqlDialect
{
    /// <summary>The connection string as this database's driver reads it; a malformed one throws <see cref="ArgumentException"/> here, at start, not at the first request.</summary>
    public abstract string Normalise(string connectionString);

    /// <summary>A new, closed connection.</summary>
    public abstract DbConnection CreateConnection(string connectionString);

    /// <summary>Paging after an ORDER BY, with parameters <c>@Offset</c> and <c>@Limit</c>.</summary>
    public abstract string Paging { get; }

    /// <summary>An INSERT of <paramref name="columns"/> that returns the generated <c>id</c> as its only row.</summary>
    public abstract string InsertReturningId(string table, string columns, string values);

    /// <summary>Starts a transaction that will write.</summary>
    public virtual async Task<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return await connection.BeginTransactionAsync(cancellationToken);
    }

    /// <summary>Whether an exception is a unique or primary key violation.</summary>
    public abstract bool IsUniqueViolation(Exception exception);

    /// <summary>A condition that <paramref name="column"/> is one of the values of the array parameter <paramref name="parameter"/>.</summary>
    public virtual string InList(string column, string parameter) => $"{column} IN @{parameter}";

    /// <summary>
    /// Claims up to <c>@BatchSize</c> rows of <paramref name="table"/> that meet <paramref name="due"/>, oldest
    /// <paramref name="orderBy"/> first, by setting <c>claimed_by = @Owner</c> and <c>claimed_until = @LeaseUntil</c>,
    /// and returns <paramref name="columns"/> of the claimed rows. Two hosts claiming at once never get the same row.
    /// </summary>
    public abstract string ClaimBatch(string table, string due, string orderBy, IReadOnlyList<string> columns);
}
