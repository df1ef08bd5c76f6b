using System.Text.RegularExpressions;
using Proposals.Data.Migrations;

namespace Proposals.Data.Tests.SqlServer;

/// <summary>The script a DBA runs on SQL Server, bound by the checker as the migrations themselves are.</summary>
public sealed class SqlServerMigrationScriptFacts
{
    [Fact]
    public void The_script_for_a_new_database_binds_and_records_every_migration_in_the_journal_once()
    {
        var shipped = DatabaseMigrator.ScriptNames(DatabaseProvider.SqlServer);
        var schema = new SqlServerSchema();

        var script = MigrationScript.For(DatabaseProvider.SqlServer, shipped);
        var problems = SqlServerChecker.Apply(schema, script);

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Equal(["Id", "ScriptName", "Applied"], schema.Columns("SchemaVersions"));
        Assert.Equal(SqlServerSchema.Shipped().TableNames.Order(StringComparer.OrdinalIgnoreCase), schema.TableNames.Where(t => t != "SchemaVersions").Order(StringComparer.OrdinalIgnoreCase));
        var journalled = Regex.Matches(script, @"INSERT INTO \[SchemaVersions\] \(ScriptName, Applied\) VALUES \(N'([^']+)', GETDATE\(\)\);").Select(m => m.Groups[1].Value);
        Assert.Equal(shipped, journalled);
        Assert.Equal(shipped.Count, Regex.Count(script, @"^BEGIN TRANSACTION;$", RegexOptions.Multiline));
        Assert.Equal(shipped.Count, Regex.Count(script, @"^COMMIT TRANSACTION;$", RegexOptions.Multiline));
    }

    [Fact]
    public void The_script_for_a_database_part_way_binds_to_the_schema_the_earlier_scripts_built_and_holds_only_the_rest()
    {
        var shipped = DatabaseMigrator.ScriptNames(DatabaseProvider.SqlServer);
        var schema = new SqlServerSchema();
        foreach (var name in shipped.Take(3))
        {
            Assert.Empty(SqlServerChecker.Apply(schema, DatabaseMigrator.ScriptText(name)));
        }

        var script = MigrationScript.For(DatabaseProvider.SqlServer, shipped.Skip(3).ToList());
        var problems = SqlServerChecker.Apply(schema, script);

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Contains("locked_until", schema.Columns("users")!);
        Assert.DoesNotContain("0001_create_schema", script, StringComparison.Ordinal);
        Assert.Contains("-- 0006_add_audit_event_hashes.sql", script, StringComparison.Ordinal);
    }

    [Fact]
    public void The_script_with_nothing_pending_says_so_and_changes_no_table()
    {
        var schema = new SqlServerSchema();

        var script = MigrationScript.For(DatabaseProvider.SqlServer, []);

        Assert.Contains("nothing: the database is up to date", script, StringComparison.Ordinal);
        Assert.Empty(SqlServerChecker.Apply(schema, script));
        Assert.Equal(["SchemaVersions"], schema.TableNames);
    }
}
