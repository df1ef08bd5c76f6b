using Microsoft.SqlServer.TransactSql.ScriptDom;
using Proposals.Data;
using Proposals.Data.Migrations;
using Proposals.Host.Jobs;

namespace Proposals.Host.Tests.Jobs;

/// <summary>Hangfire's tables in the DBA's script: parsed as SQL Server parses it (its tables are Hangfire's, so they are not bound to the service's schema).</summary>
public sealed class JobSchemaScriptFacts
{
    [Fact]
    public void The_sql_server_script_with_hangfire_s_tables_parses_as_t_sql_and_names_the_schema_the_host_uses()
    {
        var script = MigrationScript.For(DatabaseProvider.SqlServer, DatabaseMigrator.ScriptNames(DatabaseProvider.SqlServer)) + JobSchemaScript.For(DatabaseProvider.SqlServer);

        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(script);
        parser.Parse(reader, out var errors);

        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"line {e.Line}: {e.Message}")));
        Assert.Contains("CREATE TABLE [HangFire].[Job]", script, StringComparison.Ordinal);
        Assert.DoesNotContain("$(HangFireSchema)", script, StringComparison.Ordinal);
        Assert.EndsWith("GO\n", script.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void Only_sql_server_s_script_holds_hangfire_s_tables()
    {
        Assert.Null(JobSchemaScript.For(DatabaseProvider.Sqlite));
        Assert.Null(JobSchemaScript.For(DatabaseProvider.PostgreSql));
    }
}
