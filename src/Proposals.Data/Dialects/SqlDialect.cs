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

    /// <summary>
    /// An UPDATE of <paramref name="table"/> that returns <paramref name="columns"/> of each changed row as the update
    /// left it: one statement, so that a counter read back is the one this statement wrote, whoever else writes at once.
    /// </summary>
    public abstract string UpdateReturning(string table, string assignments, string where, IReadOnlyList<string> columns);

    /// <summary>Starts a transaction that will write.</summary>
    public virtual async Task<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return await connection.BeginTransactionAsync(cancellationToken);
    }

    /// <summary>Whether an exception is a unique or primary key violation.</summary>
    public abstract bool IsUniqueViolation(Exception exception);

    /// <summary>
    /// Whether an exception (this one, not its inner ones) is the database being briefly unavailable: unreachable,
    /// restarting, shutting a connection down, or choosing this transaction as a deadlock or serialization victim.
    /// </summary>
    public abstract bool IsTransient(Exception exception);

    /// <summary>A condition that <paramref name="column"/> is one of the values of the array parameter <paramref name="parameter"/>.</summary>
    public virtual string InList(string column, string parameter) => $"{column} IN @{parameter}";

    /// <summary>The text of the top-level <paramref name="property"/> of the JSON object in <paramref name="column"/> (a boolean reads as <c>true</c>/<c>false</c> or <c>1</c>/<c>0</c>).</summary>
    public string JsonText(string column, string property)
    {
        if (property.Length == 0 || !property.All(char.IsAsciiLetterOrDigit))
        {
            throw new ArgumentException($"JSON property names in statements are fixed identifiers, not '{property}'.", nameof(property));
        }
        return JsonTextOf(column, property);
    }

    /// <summary>See <see cref="JsonText"/>; <paramref name="name"/> is a plain identifier here.</summary>
    protected abstract string JsonTextOf(string column, string name);

    /// <summary>
    /// Claims up to <c>@BatchSize</c> rows of <paramref name="table"/> that meet <paramref name="due"/>, oldest
    /// <paramref name="orderBy"/> first, by setting <c>claimed_by = @Owner</c> and <c>claimed_until = @LeaseUntil</c>,
    /// and returns <paramref name="columns"/> of the claimed rows. Two hosts claiming at once never get the same row.
    /// </summary>
    public abstract string ClaimBatch(string table, string due, string orderBy, IReadOnlyList<string> columns);
}
