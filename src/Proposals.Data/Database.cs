using System.Data.Common;
using Dapper;
using Proposals.Data.Dialects;

namespace Proposals.Data;

/// <summary>Which database holds the records.</summary>
public enum DatabaseProvider
{
    Sqlite,
    PostgreSql,
    SqlServer,
}

/// <summary>The one database of a deployment: how to open a connection and how to spell what differs.</summary>
public sealed class Database
{
    static Database()
    {
        SqlMapper.AddTypeHandler(new DateOnlyHandler());
        SqlMapper.AddTypeHandler(new NullableDateOnlyHandler());
    }

    public Database(DatabaseProvider provider, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        Provider = provider;
        Dialect = provider switch
        {
            DatabaseProvider.Sqlite => new SqliteDialect(),
            DatabaseProvider.PostgreSql => new PostgresDialect(),
            DatabaseProvider.SqlServer => new SqlServerDialect(),
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown database provider."),
        };
        ConnectionString = Dialect.Normalise(connectionString);
    }

    /// <summary>A database spelled by a dialect of the caller's choosing; tests use it to record what SQL Server would be sent.</summary>
    internal Database(DatabaseProvider provider, string connectionString, SqlDialect dialect)
    {
        Provider = provider;
        ConnectionString = connectionString;
        Dialect = dialect;
    }

    public DatabaseProvider Provider { get; }
    public string ConnectionString { get; }
    public SqlDialect Dialect { get; }

    /// <summary>How often a unit of work meets a transient failure before the failure is the caller's: three tries in about a second.</summary>
    public static readonly IReadOnlyList<TimeSpan> TransientRetryDelays = [TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(600)];

    /// <summary>
    /// An open connection; the caller disposes it. Opening is retried over <see cref="TransientRetryDelays"/> when the
    /// database is briefly unreachable, which is always safe: nothing was sent yet.
    /// </summary>
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var connection = Dialect.CreateConnection(ConnectionString);
            try
            {
                await connection.OpenAsync(cancellationToken);
                return connection;
            }
            catch (Exception ex) when (attempt < TransientRetryDelays.Count && IsTransient(ex))
            {
                await connection.DisposeAsync();
                await Task.Delay(TransientRetryDelays[attempt], cancellationToken);
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Whether an exception, or one it wraps, is the database being briefly unavailable (see <see cref="SqlDialect.IsTransient"/>).</summary>
    public bool IsTransient(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (Dialect.IsTransient(current))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction as <see cref="InTransactionAsync{T}(Func{DbConnection, DbTransaction, Task{ValueTuple{bool, T}}}, CancellationToken)"/>
    /// does, and runs it again, from the start and in a new transaction, when a transient failure rolled it back before
    /// the commit was sent. Only for work that may run twice: it reads everything it writes from its arguments and its
    /// writes are guarded (an item's version, a unique key). A failure while committing is never retried, since the
    /// commit may have happened.
    /// </summary>
    public async Task<T> InRetriedTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<(bool Commit, T Result)>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        for (var attempt = 0; ; attempt++)
        {
            var committing = false;
            try
            {
                return await InTransactionAsync<T>(async (connection, transaction) =>
                {
                    var outcome = await work(connection, transaction);
                    committing = true;
                    return outcome;
                }, cancellationToken);
            }
            catch (Exception ex) when (!committing && attempt < TransientRetryDelays.Count && IsTransient(ex))
            {
                await Task.Delay(TransientRetryDelays[attempt], cancellationToken);
            }
        }
    }

    /// <summary>Runs <paramref name="work"/> in one transaction and commits it; the transaction takes the write lock at once where the database has one.</summary>
    public async Task<T> InTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        return await InTransactionAsync<T>(async (connection, transaction) => (true, await work(connection, transaction)), cancellationToken);
    }

    /// <summary>Runs <paramref name="work"/> in one transaction, and commits it only when the work says so (a stale version, say, rolls it back).</summary>
    public async Task<T> InTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<(bool Commit, T Result)>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await Dialect.BeginWriteTransactionAsync(connection, cancellationToken);
        var (commit, result) = await work(connection, transaction);
        if (commit)
        {
            await transaction.CommitAsync(cancellationToken);
        }
        else
        {
            await transaction.RollbackAsync(cancellationToken);
        }
        return result;
    }

    /// <summary>Whether an exception is the database refusing a duplicate key.</summary>
    public bool IsUniqueViolation(Exception exception) => Dialect.IsUniqueViolation(exception);

}
