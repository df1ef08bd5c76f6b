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
            _ => throw new NotSupportedException($"The {provider} provider is not built into this version; use Sqlite."),
        };
        ConnectionString = provider == DatabaseProvider.Sqlite ? SqliteDialect.Normalise(connectionString) : connectionString;
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

    /// <summary>Runs <paramref name="work"/> in one transaction and commits it unless the work rolled it back; the transaction takes the write lock at once where the database has one.</summary>
    public async Task<T> InTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await Dialect.BeginWriteTransactionAsync(connection, cancellationToken);
        var result = await work(connection, transaction);
        // The work may have rolled back to refuse a write (a stale version, a publish conflict); committing a completed
        // transaction throws. ADO.NET providers clear a transaction's Connection once it has completed.
        if (transaction.Connection is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }
        return result;
    }

    /// <summary>Whether an exception is the database refusing a duplicate key.</summary>
    public bool IsUniqueViolation(Exception exception) => Dialect.IsUniqueViolation(exception);

}
