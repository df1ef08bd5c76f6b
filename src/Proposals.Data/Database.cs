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

    /// <summary>An open connection; the caller disposes it.</summary>
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = Dialect.CreateConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
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
