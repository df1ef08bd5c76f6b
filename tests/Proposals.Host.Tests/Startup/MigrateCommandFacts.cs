using Microsoft.Data.Sqlite;
using Proposals.Data;
using Proposals.Data.Migrations;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Startup;

/// <summary>
/// <c>migrate</c>, <c>migrate --check</c>, <c>migrate --script</c> and Database:MigrateOnStart=false, through the real
/// program started as a process on SQLite files of its own.
/// </summary>
public sealed class MigrateCommandFacts : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("proposals-migrate").FullName;

    private string DatabaseFile => Path.Combine(_folder, "proposals.db");

    private string[] Sqlite => ["--ConnectionStrings:Proposals", $"Data Source={DatabaseFile}"];

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var exit = HostProgram.Run(args);
        return (exit.Code, exit.Output, exit.Error);
    }

    private static string[] Names(int count) =>
        DatabaseMigrator.ScriptNames(DatabaseProvider.Sqlite).Take(count).Select(DatabaseMigrator.ShortName).ToArray();

    [Fact]
    public void Migrate_against_an_unreachable_sql_server_fails_with_one_line_and_starts_no_hangfire()
    {
        var (exitCode, output, error) = Run("migrate", "--Database:Provider", "SqlServer",
            "--ConnectionStrings:Proposals", "Server=tcp:127.0.0.1,1;Database=proposals;User Id=x;Password=y;Connect Timeout=2;TrustServerCertificate=true");

        Assert.Equal(1, exitCode);
        var lines = (output + error).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: cannot reach the SqlServer database", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("Hangfire", output + error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Check_lists_what_is_pending_without_creating_the_database_and_exits_0_once_migrated()
    {
        var (exitCode, output, _) = Run(["migrate", "--check", .. Sqlite]);

        Assert.Equal(1, exitCode);
        Assert.Contains($"{DatabaseMigrator.ScriptNames(DatabaseProvider.Sqlite).Count} migration script(s) pending:", output, StringComparison.Ordinal);
        Assert.All(Names(6), name => Assert.Contains(name, output, StringComparison.Ordinal));
        Assert.False(File.Exists(DatabaseFile));

        Assert.Equal(0, Run(["migrate", .. Sqlite]).ExitCode);
        var (upToDate, said, _) = Run(["migrate", "--check", .. Sqlite]);

        Assert.Equal(0, upToDate);
        Assert.Contains("The database is up to date.", said, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_of_an_unreachable_database_exits_3()
    {
        var (exitCode, _, error) = Run("migrate", "--check", "--Database:Provider", "PostgreSql",
            "--ConnectionStrings:Proposals", "Host=127.0.0.1;Port=1;Username=x;Password=y;Database=z;Timeout=2");

        Assert.Equal(3, exitCode);
        Assert.Contains("cannot reach the PostgreSql database", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_script_run_by_hand_leaves_nothing_pending_and_the_host_with_migrate_on_start_off_then_starts_checks()
    {
        var script = Path.Combine(_folder, "pending.sql");

        var (exitCode, output, error) = Run(["migrate", "--script", script, .. Sqlite]);

        Assert.True(exitCode == 0, error);
        Assert.Contains($"Wrote {DatabaseMigrator.ScriptNames(DatabaseProvider.Sqlite).Count} pending migration script(s)", output, StringComparison.Ordinal);
        Assert.False(File.Exists(DatabaseFile));
        await using (var connection = new SqliteConnection($"Data Source={DatabaseFile}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = await File.ReadAllTextAsync(script);
            await command.ExecuteNonQueryAsync();
        }
        var (checkedExit, said, _) = Run(["migrate", "--check", .. Sqlite]);
        Assert.Equal(0, checkedExit);
        Assert.Contains("The database is up to date.", said, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_migrate_on_start_off_the_host_refuses_a_database_behind_names_the_scripts_and_changes_nothing()
    {
        var database = new Database(DatabaseProvider.Sqlite, $"Data Source={DatabaseFile}");
        await using (var connection = await database.OpenAsync(CancellationToken.None))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = MigrationScript.For(DatabaseProvider.Sqlite, DatabaseMigrator.ScriptNames(DatabaseProvider.Sqlite).Take(4).ToList());
            await command.ExecuteNonQueryAsync();
        }
        SqliteConnection.ClearAllPools();

        var (exitCode, output, error) = Run(["--Database:MigrateOnStart", "false", "--urls", "http://127.0.0.1:0", .. Sqlite]);

        Assert.Equal(1, exitCode);
        // The names as db/sqlite/ spells them: what follows the resource name's last dot but the extension's.
        var behind = DatabaseMigrator.ScriptNames(DatabaseProvider.Sqlite).Skip(4).Select(name => name[(name.LastIndexOf('.', name.Length - 5) + 1)..]).ToList();
        Assert.StartsWith("0005_add_statistics_indexes.sql", behind[0], StringComparison.Ordinal);
        Assert.Contains($"{behind.Count} migration script(s) have not run ({string.Join(", ", behind)})", output + error, StringComparison.Ordinal);
        Assert.Equal(DatabaseMigrator.ScriptNames(DatabaseProvider.Sqlite).Skip(4), DatabaseMigrator.Pending(database).Scripts);
    }

    [Fact]
    public void A_migrate_on_start_that_is_not_true_or_false_is_refused()
    {
        var (exitCode, _, error) = Run(["migrate", "--Database:MigrateOnStart", "sometimes", .. Sqlite]);

        Assert.Equal(1, exitCode);
        Assert.Contains("Database:MigrateOnStart is 'sometimes'; it must be true or false.", error, StringComparison.Ordinal);
        Assert.False(File.Exists(DatabaseFile));
    }
}
