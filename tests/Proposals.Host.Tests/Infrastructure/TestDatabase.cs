using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;
using Proposals.Data;

namespace Proposals.Host.Tests.Infrastructure;

/// <summary>A fresh, empty database for one test, on SQLite or on the PostgreSQL server the test run started.</summary>
public abstract class TestDatabase : IDisposable
{
    public abstract DatabaseProvider Provider { get; }

    public abstract string ConnectionString { get; }

    /// <summary>Why this database cannot be had here, or null when it can.</summary>
    public virtual string? Unavailable => null;

    public Database Open() => new(Provider, ConnectionString);

    public T Scalar<T>(string sql)
    {
        using var connection = Open().Dialect.CreateConnection(ConnectionString);
        connection.Open();
        return connection.ExecuteScalar<T>(sql)!;
    }

    public IReadOnlyList<T> Query<T>(string sql)
    {
        using var connection = Open().Dialect.CreateConnection(ConnectionString);
        connection.Open();
        return connection.Query<T>(sql).ToList();
    }

    public abstract void Dispose();
}

/// <summary>A new SQLite file in its own temporary folder.</summary>
public sealed class SqliteTestDatabase : TestDatabase
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "proposals-tests", Guid.NewGuid().ToString("N"));

    public SqliteTestDatabase() => Directory.CreateDirectory(_folder);

    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public override string ConnectionString => $"Data Source={Path.Combine(_folder, "proposals.db")}";

    public override void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A pooled connection on another thread still holds the file; the temporary folder is the OS's to clean.
        }
    }
}

/// <summary>
/// A new database on the PostgreSQL server named by PROPOSALS_TEST_POSTGRES (a connection string whose role may
/// create databases), dropped afterwards. Without the variable, or when the server does not answer, tests skip.
/// </summary>
public sealed class PostgresTestDatabase : TestDatabase
{
    public const string Variable = "PROPOSALS_TEST_POSTGRES";

    private static readonly Lazy<string?> ServerProblem = new(Probe);
    private readonly string _name = "proposals_test_" + Guid.NewGuid().ToString("N");
    private readonly Lock _gate = new();
    private bool _created;

    public override DatabaseProvider Provider => DatabaseProvider.PostgreSql;

    public override string? Unavailable => ServerProblem.Value;

    // Created on first use, once, even when two hosts of one test ask at the same moment.
    public override string ConnectionString
    {
        get
        {
            lock (_gate)
            {
                if (!_created)
                {
                    using var admin = new NpgsqlConnection(AdminConnectionString!);
                    admin.Open();
                    admin.Execute($"CREATE DATABASE {_name}");
                    _created = true;
                }
            }
            return new NpgsqlConnectionStringBuilder(AdminConnectionString!) { Database = _name, MaxPoolSize = 40 }.ToString();
        }
    }

    private static string? AdminConnectionString => Environment.GetEnvironmentVariable(Variable);

    private static string? Probe()
    {
        if (string.IsNullOrWhiteSpace(AdminConnectionString))
        {
            return $"{Variable} is not set; tests/run.sh sets it after starting a local PostgreSQL server";
        }
        try
        {
            using var connection = new NpgsqlConnection(AdminConnectionString);
            connection.Open();
            return null;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or ArgumentException)
        {
            return $"PostgreSQL at {Variable} does not answer: {ex.Message}";
        }
    }

    public override void Dispose()
    {
        if (!_created)
        {
            return;
        }
        NpgsqlConnection.ClearAllPools();
        using var admin = new NpgsqlConnection(AdminConnectionString!);
        admin.Open();
        try
        {
            admin.Execute($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)");
        }
        catch (PostgresException ex)
        {
            // Cleaning up must not fail a test that passed; a leftover test database is harmless and uniquely named.
            Console.Error.WriteLine($"could not drop {_name}: {ex.MessageText}");
        }
    }
}

/// <summary>
/// A new database on the SQL Server named by PROPOSALS_TEST_SQLSERVER (a connection string whose login may create
/// databases), dropped afterwards. No SQL Server runs on the build machines, so without the variable tests skip.
/// </summary>
public sealed class SqlServerTestDatabase : TestDatabase
{
    public const string Variable = "PROPOSALS_TEST_SQLSERVER";

    private readonly string _name = "proposals_test_" + Guid.NewGuid().ToString("N");
    private readonly Lock _gate = new();
    private bool _created;

    public override DatabaseProvider Provider => DatabaseProvider.SqlServer;

    public override string? Unavailable => string.IsNullOrWhiteSpace(Admin)
        ? $"{Variable} is not set: no SQL Server runs on this machine (set it to a connection string to run this suite)"
        : null;

    private static string? Admin => Environment.GetEnvironmentVariable(Variable);

    public override string ConnectionString
    {
        get
        {
            lock (_gate)
            {
                if (!_created)
                {
                    using var admin = new Microsoft.Data.SqlClient.SqlConnection(Admin);
                    admin.Open();
                    admin.Execute($"CREATE DATABASE [{_name}]");
                    _created = true;
                }
            }
            return new Microsoft.Data.SqlClient.SqlConnectionStringBuilder(Admin) { InitialCatalog = _name }.ToString();
        }
    }

    public override void Dispose()
    {
        if (!_created)
        {
            return;
        }
        Microsoft.Data.SqlClient.SqlConnection.ClearAllPools();
        using var admin = new Microsoft.Data.SqlClient.SqlConnection(Admin);
        admin.Open();
        admin.Execute($"ALTER DATABASE [{_name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{_name}]");
    }
}
