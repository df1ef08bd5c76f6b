using Dapper;
using Microsoft.Data.SqlClient;

namespace Proposals.Data.Tests.Providers;

/// <summary>
/// SQL Server: a new database on the server named by PROPOSALS_TEST_SQLSERVER for each test, dropped afterwards.
/// No SQL Server runs on the build machines; without the variable the suites skip and say so.
/// </summary>
public sealed class SqlServerProvider : IDatabaseProvider
{
    public const string Variable = "PROPOSALS_TEST_SQLSERVER";

    public DatabaseProvider Provider => DatabaseProvider.SqlServer;

    public string? Unavailable => string.IsNullOrWhiteSpace(Admin)
        ? $"{Variable} is not set: no SQL Server runs on this machine (set it to a connection string to run this suite)"
        : null;

    private static string? Admin => Environment.GetEnvironmentVariable(Variable);

    public async Task<Database> CreateEmptyDatabaseAsync()
    {
        var name = "proposals_data_" + Guid.NewGuid().ToString("N");
        await using (var admin = new SqlConnection(Admin))
        {
            await admin.ExecuteAsync($"CREATE DATABASE [{name}]");
        }
        return new Database(DatabaseProvider.SqlServer, new SqlConnectionStringBuilder(Admin) { InitialCatalog = name }.ToString());
    }

    public async Task DropAsync(Database database)
    {
        ArgumentNullException.ThrowIfNull(database);
        var name = new SqlConnectionStringBuilder(database.ConnectionString).InitialCatalog;
        SqlConnection.ClearAllPools();
        await using var admin = new SqlConnection(Admin);
        await admin.ExecuteAsync($"ALTER DATABASE [{name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{name}]");
    }
}
