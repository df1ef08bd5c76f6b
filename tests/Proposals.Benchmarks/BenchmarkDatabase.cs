using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;
using Proposals.Data;

namespace Proposals.Benchmarks;

/// <summary>A database server kind the run measures on: SQLite always, PostgreSQL when a server was named and answers.</summary>
public sealed class DatabaseTarget
{
    private readonly string? _postgresServer;

    private DatabaseTarget(DatabaseProvider provider, string? postgresServer, string? unavailable, string version)
    {
        Provider = provider;
        _postgresServer = postgresServer;
        Unavailable = unavailable;
        Version = version;
    }

    public DatabaseProvider Provider { get; }

    public string Name => Provider == DatabaseProvider.Sqlite ? "SQLite" : "PostgreSQL";

    /// <summary>Why rows on this database are skipped, or null when it can be measured.</summary>
    public string? Unavailable { get; }

    public string Version { get; }

    public static DatabaseTarget Sqlite()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        return new DatabaseTarget(DatabaseProvider.Sqlite, null, null, connection.ExecuteScalar<string>("SELECT sqlite_version()") + " (file, WAL)");
    }

    public static DatabaseTarget Postgres(string? server)
    {
        if (string.IsNullOrWhiteSpace(server))
        {
            return new DatabaseTarget(DatabaseProvider.PostgreSql, null, "skipped: no PostgreSQL", "not given");
        }
        try
        {
            using var connection = new NpgsqlConnection(server);
            connection.Open();
            return new DatabaseTarget(DatabaseProvider.PostgreSql, server, null, connection.ExecuteScalar<string>("SHOW server_version") ?? "");
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or ArgumentException)
        {
            return new DatabaseTarget(DatabaseProvider.PostgreSql, null, $"skipped: PostgreSQL does not answer ({ex.Message})", "does not answer");
        }
    }

    /// <summary>A new, empty database of this kind; disposing it removes it unless <paramref name="keep"/>, which prints where it stays instead.</summary>
    public BenchmarkDatabase Create(bool keep) => Provider == DatabaseProvider.Sqlite ? new SqliteBenchmarkDatabase { Keep = keep } : new PostgresBenchmarkDatabase(_postgresServer!) { Keep = keep };
}

public abstract class BenchmarkDatabase : IDisposable
{
    public abstract DatabaseProvider Provider { get; }

    public abstract string ConnectionString { get; }

    /// <summary>Whether the database outlives the run, for reading query plans on the generated data afterwards.</summary>
    public bool Keep { get; init; }

    public Database Open() => new(Provider, ConnectionString);

    public void Dispose()
    {
        GC.SuppressFinalize(this);
        if (Keep)
        {
            Console.Error.WriteLine($"kept {Provider} database: {ConnectionString}");
            return;
        }
        Remove();
    }

    protected abstract void Remove();
}

internal sealed class SqliteBenchmarkDatabase : BenchmarkDatabase
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "proposals-benchmarks", Guid.NewGuid().ToString("N"));

    public SqliteBenchmarkDatabase() => Directory.CreateDirectory(_folder);

    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public override string ConnectionString => $"Data Source={Path.Combine(_folder, "proposals.db")}";

    protected override void Remove()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A pooled connection still holds the file; the temporary folder is the OS's to clean.
        }
    }
}

internal sealed class PostgresBenchmarkDatabase : BenchmarkDatabase
{
    private readonly string _server;
    private readonly string _name = "proposals_bench_" + Guid.NewGuid().ToString("N");

    public PostgresBenchmarkDatabase(string server)
    {
        _server = server;
        using var admin = new NpgsqlConnection(server);
        admin.Open();
        admin.Execute($"CREATE DATABASE {_name}");
    }

    public override DatabaseProvider Provider => DatabaseProvider.PostgreSql;

    // Room for 50 HTTP clients and 8 workers at once on top of what the host keeps for itself.
    public override string ConnectionString => new NpgsqlConnectionStringBuilder(_server) { Database = _name, MaxPoolSize = 80 }.ToString();

    protected override void Remove()
    {
        NpgsqlConnection.ClearAllPools();
        using var admin = new NpgsqlConnection(_server);
        admin.Open();
        try
        {
            admin.Execute($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)");
        }
        catch (PostgresException ex)
        {
            Console.Error.WriteLine($"could not drop {_name}: {ex.MessageText}");
        }
    }
}
