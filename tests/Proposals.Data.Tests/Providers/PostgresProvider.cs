using Dapper;
using Npgsql;

namespace Proposals.Data.Tests.Providers;

/// <summary>
/// PostgreSQL: a new database on the server named by PROPOSALS_TEST_POSTGRES for each test, dropped afterwards.
/// Without the variable, or when the server does not answer, the suites skip and say why.
/// </summary>
public sealed class PostgresProvider : IDatabaseProvider
{
    public const string Variable = "PROPOSALS_TEST_POSTGRES";

    private static readonly Lazy<string?> Problem = new(Probe);

    public DatabaseProvider Provider => DatabaseProvider.PostgreSql;

    public string? Unavailable => Problem.Value;

    private static string Admin => Environment.GetEnvironmentVariable(Variable)!;

    public async Task<Database> CreateEmptyDatabaseAsync()
    {
        var name = "proposals_data_" + Guid.NewGuid().ToString("N");
        await using (var admin = new NpgsqlConnection(Admin))
        {
            await admin.ExecuteAsync($"CREATE DATABASE {name}");
        }
        return new Database(DatabaseProvider.PostgreSql, new NpgsqlConnectionStringBuilder(Admin) { Database = name }.ToString());
    }

    public async Task DropAsync(Database database)
    {
        ArgumentNullException.ThrowIfNull(database);
        var name = new NpgsqlConnectionStringBuilder(database.ConnectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(Admin);
        try
        {
            await admin.ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        }
        catch (PostgresException ex)
        {
            // Cleaning up must not fail a test that passed; a leftover test database is harmless and uniquely named.
            Console.Error.WriteLine($"could not drop {name}: {ex.MessageText}");
        }
    }

    private static string? Probe()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(Variable)))
        {
            return $"{Variable} is not set; tests/run.sh sets it after starting a local PostgreSQL server";
        }
        try
        {
            using var connection = new NpgsqlConnection(Admin);
            connection.Open();
            return null;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or ArgumentException)
        {
            return $"PostgreSQL at {Variable} does not answer: {ex.Message}";
        }
    }
}
