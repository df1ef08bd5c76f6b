using Dapper;
using Proposals.Data.Migrations;
using Proposals.Data.Tests.Providers;

namespace Proposals.Data.Tests.Migrations;

public abstract class MigrationFacts(IDatabaseProvider provider)
{
    private static readonly string[] Tables =
    [
        "organizations", "users", "user_roles", "access_tokens", "calendar_days", "workflow_definitions", "topics", "topic_parties",
        "proposals", "proposal_departments", "tasks", "reminders", "notifications", "notification_reads", "audit_events", "idempotency_keys",
        "notification_deliveries", "job_runs", "sign_in_failures", "sign_in_successes", "proposal_revisions", "proposal_cosigners",
        "attachments", "attachment_chunks", "proposal_milestones", "proposal_commitments",
    ];

    private Task<Database> CreateEmptyAsync()
    {
        Skip.If(provider.Unavailable is not null, provider.Unavailable);
        return provider.CreateEmptyDatabaseAsync();
    }

    [SkippableFact]
    public async Task Migrate_applies_every_script_to_a_new_database()
    {
        var database = await CreateEmptyAsync();
        try
        {
            var outcome = DatabaseMigrator.Migrate(database);

            Assert.True(outcome.Successful, outcome.Error);
            Assert.Null(outcome.Error);
            var shipped = DatabaseMigrator.ScriptNames(provider.Provider);
            Assert.Contains(shipped, name => name.EndsWith(".0001_create_schema.sql", StringComparison.Ordinal));
            Assert.Equal(shipped, outcome.ScriptsApplied);
            Assert.Equal(Tables.Order(StringComparer.Ordinal), await TablesAsync(database));
        }
        finally
        {
            await provider.DropAsync(database);
        }
    }

    [SkippableFact]
    public async Task A_database_migrated_by_a_newer_version_is_refused_and_left_as_it_is()
    {
        var database = await CreateEmptyAsync();
        try
        {
            Assert.True(DatabaseMigrator.Migrate(database).Successful);
            await using (var connection = await database.OpenAsync(CancellationToken.None))
            {
                await connection.ExecuteAsync("INSERT INTO SchemaVersions (ScriptName, Applied) VALUES (@name, @at)",
                    new { name = "Proposals.Data.Scripts.future.9999_from_a_newer_version.sql", at = DateTime.UtcNow });
            }
            var tables = await TablesAsync(database);

            var outcome = DatabaseMigrator.Migrate(database);

            Assert.False(outcome.Successful);
            Assert.Contains("newer version", outcome.Error);
            Assert.Contains("9999_from_a_newer_version", outcome.Error);
            Assert.Empty(outcome.ScriptsApplied);
            Assert.Equal(tables, await TablesAsync(database));
        }
        finally
        {
            await provider.DropAsync(database);
        }
    }

    [SkippableFact]
    public async Task Migrate_again_applies_nothing_and_succeeds()
    {
        var database = await CreateEmptyAsync();
        try
        {
            Assert.True(DatabaseMigrator.Migrate(database).Successful);

            var again = DatabaseMigrator.Migrate(database);

            Assert.True(again.Successful, again.Error);
            Assert.Empty(again.ScriptsApplied);
            Assert.Equal(DatabaseMigrator.ScriptNames(provider.Provider).Count, await JournalCountAsync(database));
        }
        finally
        {
            await provider.DropAsync(database);
        }
    }

    [SkippableFact]
    public async Task Two_migrations_started_together_on_a_new_database_both_succeed_and_apply_each_script_once()
    {
        var database = await CreateEmptyAsync();
        try
        {
            using var start = new ManualResetEventSlim();
            var runs = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
            {
                start.Wait();
                return DatabaseMigrator.Migrate(database);
            })).ToList();
            start.Set();
            var outcomes = await Task.WhenAll(runs);

            Assert.All(outcomes, outcome => Assert.True(outcome.Successful, outcome.Error));
            var shipped = DatabaseMigrator.ScriptNames(provider.Provider);
            Assert.Equal(shipped.Order(StringComparer.Ordinal), outcomes.SelectMany(o => o.ScriptsApplied).Order(StringComparer.Ordinal));
            Assert.Equal(shipped.Count, await JournalCountAsync(database));
            Assert.Equal(Tables.Order(StringComparer.Ordinal), await TablesAsync(database));
        }
        finally
        {
            await provider.DropAsync(database);
        }
    }

    // A migrator that reads the journal just before another commits the same script would run it a second time and fail;
    // starting eight a few milliseconds apart puts some pair in that window in most rounds.
    [SkippableFact]
    public async Task Migrations_started_a_few_milliseconds_apart_all_succeed_and_apply_each_script_once()
    {
        const int Rounds = 10;
        const int Migrators = 8;
        for (var round = 0; round < Rounds; round++)
        {
            var database = await CreateEmptyAsync();
            try
            {
                var outcomes = new MigrationOutcome[Migrators];
                using var start = new ManualResetEventSlim();
                var threads = Enumerable.Range(0, Migrators).Select(i => new Thread(() =>
                {
                    start.Wait();
                    Thread.Sleep(i * 4);
                    outcomes[i] = DatabaseMigrator.Migrate(database);
                })).ToList();
                threads.ForEach(t => t.Start());
                start.Set();
                threads.ForEach(t => t.Join());

                Assert.All(outcomes, outcome => Assert.True(outcome.Successful, $"round {round}: {outcome.Error}"));
                Assert.Equal(DatabaseMigrator.ScriptNames(provider.Provider).Count, outcomes.Sum(o => o.ScriptsApplied.Count));
                Assert.Equal(DatabaseMigrator.ScriptNames(provider.Provider).Count, await JournalCountAsync(database));
            }
            finally
            {
                await provider.DropAsync(database);
            }
        }
    }

    [SkippableFact]
    public async Task The_script_of_a_new_database_run_as_written_brings_it_up_to_date_and_the_migrator_then_runs_nothing()
    {
        var database = await CreateEmptyAsync();
        try
        {
            var pending = DatabaseMigrator.Pending(database);
            Assert.True(pending.Successful, pending.Error);
            Assert.Equal(DatabaseMigrator.ScriptNames(provider.Provider), pending.Scripts);

            await RunScriptAsync(database, MigrationScript.For(provider.Provider, pending.Scripts));

            Assert.Empty(DatabaseMigrator.Pending(database).Scripts);
            var again = DatabaseMigrator.Migrate(database);
            Assert.True(again.Successful, again.Error);
            Assert.Empty(again.ScriptsApplied);
            Assert.Equal(Tables.Order(StringComparer.Ordinal), await TablesAsync(database));
            Assert.Equal(pending.Scripts.Count, await JournalCountAsync(database));
        }
        finally
        {
            await provider.DropAsync(database);
        }
    }

    [SkippableFact]
    public async Task After_a_script_of_the_first_migrations_the_rest_are_pending_and_the_migrator_runs_only_them()
    {
        var database = await CreateEmptyAsync();
        try
        {
            var shipped = DatabaseMigrator.ScriptNames(provider.Provider);
            await RunScriptAsync(database, MigrationScript.For(provider.Provider, shipped.Take(3).ToList()));

            Assert.Equal(shipped.Skip(3), DatabaseMigrator.Pending(database).Scripts);
            var outcome = DatabaseMigrator.Migrate(database);

            Assert.True(outcome.Successful, outcome.Error);
            Assert.Equal(shipped.Skip(3), outcome.ScriptsApplied);
            Assert.Equal(Tables.Order(StringComparer.Ordinal), await TablesAsync(database));
        }
        finally
        {
            await provider.DropAsync(database);
        }
    }

    [SkippableFact]
    public async Task Prepare_without_migrating_refuses_a_database_that_is_behind_names_the_pending_scripts_and_changes_nothing()
    {
        var database = await CreateEmptyAsync();
        try
        {
            var shipped = DatabaseMigrator.ScriptNames(provider.Provider);
            await RunScriptAsync(database, MigrationScript.For(provider.Provider, shipped.Take(shipped.Count - 2).ToList()));
            var tables = await TablesAsync(database);

            var outcome = DatabaseMigrator.Prepare(database, migrate: false);

            Assert.False(outcome.Successful);
            Assert.Empty(outcome.ScriptsApplied);
            Assert.Contains($"2 migration script(s) have not run ({string.Join(", ", shipped.TakeLast(2).Select(name => name[(name.LastIndexOf('.', name.Length - 5) + 1)..]))})", outcome.Error);
            Assert.Contains("MigrateOnStart", outcome.Error);
            Assert.Equal(tables, await TablesAsync(database));
            Assert.Equal(shipped.TakeLast(2), DatabaseMigrator.Pending(database).Scripts);

            Assert.True(DatabaseMigrator.Migrate(database).Successful);
            var ready = DatabaseMigrator.Prepare(database, migrate: false);
            Assert.True(ready.Successful, ready.Error);
        }
        finally
        {
            await provider.DropAsync(database);
        }
    }

    // As a DBA's tool would: sqlcmd sends each GO-separated batch on its own, psql and sqlite3 the statements in turn.
    private static async Task RunScriptAsync(Database database, string script)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        var batches = database.Provider == DatabaseProvider.SqlServer
            ? System.Text.RegularExpressions.Regex.Split(script, @"^\s*GO\s*$", System.Text.RegularExpressions.RegexOptions.Multiline)
            : [script];
        foreach (var batch in batches.Where(b => b.Trim().Length > 0))
        {
            await connection.ExecuteAsync(batch);
        }
    }

    private static async Task<IReadOnlyList<string>> TablesAsync(Database database)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        var names = await connection.QueryAsync<string>(TablesQuery(database.Provider));
        return names.Where(n => !n.Equals("SchemaVersions", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The names of the tables in the database's default schema; T-SQL has no current_schema(), its default schema is SCHEMA_NAME().</summary>
    internal static string TablesQuery(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'",
        DatabaseProvider.PostgreSql => "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
        _ => "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = SCHEMA_NAME() AND TABLE_TYPE = 'BASE TABLE'",
    };

    // DbUp's journal: one row per script it ran.
    private static async Task<long> JournalCountAsync(Database database)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM SchemaVersions");
    }
}
