using System.Text;

namespace Proposals.Data.Migrations;

/// <summary>
/// The pending migrations as one script a DBA can read and run, recording each in DbUp's journal table exactly as
/// <see cref="DatabaseMigrator"/> does (the journal's default, SchemaVersions: ScriptName, Applied), so that the service
/// afterwards finds the database up to date and runs nothing again.
/// </summary>
public static class MigrationScript
{
    /// <summary>The script for <paramref name="scripts"/> (resource names, as <see cref="DatabaseMigrator.ScriptNames"/> gives them), in that order.</summary>
    public static string For(DatabaseProvider provider, IReadOnlyList<string> scripts)
    {
        ArgumentNullException.ThrowIfNull(scripts);
        var text = new StringBuilder();
        var names = scripts.Count == 0 ? "nothing: the database is up to date" : string.Join(", ", scripts.Select(DatabaseMigrator.ShortName));
        text.Append(provider switch
        {
            DatabaseProvider.SqlServer => $"""
                -- Proposals: the pending migrations for SQL Server, written by `migrate --script`.
                -- Pending: {names}.
                -- Run it with sqlcmd -b (stop at the first error): each migration runs in its own transaction with
                -- XACT_ABORT on and is recorded in SchemaVersions, the journal the service reads at start.
                SET XACT_ABORT ON;
                GO
                -- DbUp's journal, as its SQL Server journal creates it.
                IF OBJECT_ID(N'SchemaVersions', N'U') IS NULL
                    CREATE TABLE [SchemaVersions] (
                        [Id] int identity(1,1) not null constraint [PK_SchemaVersions_Id] primary key,
                        [ScriptName] nvarchar(255) not null,
                        [Applied] datetime not null
                    );
                GO

                """,
            DatabaseProvider.PostgreSql => $"""
                -- Proposals: the pending migrations for PostgreSQL, written by `migrate --script`.
                -- Pending: {names}.
                -- Run it with psql -v ON_ERROR_STOP=1 -f <file>: each migration runs in its own transaction and is
                -- recorded in schemaversions, the journal the service reads at start.
                -- DbUp's journal, as its PostgreSQL journal creates it.
                CREATE TABLE IF NOT EXISTS schemaversions (
                    schemaversionsid serial NOT NULL,
                    scriptname character varying(255) NOT NULL,
                    applied timestamp without time zone NOT NULL,
                    CONSTRAINT pk_schemaversions_id PRIMARY KEY (schemaversionsid)
                );

                """,
            _ => $"""
                -- Proposals: the pending migrations for SQLite, written by `migrate --script`.
                -- Pending: {names}.
                -- Run it with sqlite3 -bail <database file> < <file>: each migration runs in its own transaction and is
                -- recorded in SchemaVersions, the journal the service reads at start.
                -- DbUp's journal, as its SQLite journal creates it.
                CREATE TABLE IF NOT EXISTS SchemaVersions (
                    SchemaVersionID INTEGER CONSTRAINT 'PK_SchemaVersions_SchemaVersionID' PRIMARY KEY AUTOINCREMENT NOT NULL,
                    ScriptName TEXT NOT NULL,
                    Applied DATETIME NOT NULL
                );

                """,
        });
        foreach (var script in scripts)
        {
            // Names are resource names of this assembly (letters, digits, dots, underscores); doubling quotes keeps it so regardless.
            var quotedScriptName = script.Replace("'", "''", StringComparison.Ordinal);
            var shippedScriptText = DatabaseMigrator.ScriptText(script).TrimEnd();
            text.Append('\n').Append("-- ").Append(DatabaseMigrator.ShortName(script)).Append('\n');
            text.Append(provider switch
            {
                // DbUp runs each GO-separated batch on its own; so does sqlcmd, and the transaction spans them.
                DatabaseProvider.SqlServer => $"""
                    BEGIN TRANSACTION;
                    GO
                    {shippedScriptText}
                    GO
                    INSERT INTO [SchemaVersions] (ScriptName, Applied) VALUES (N'{quotedScriptName}', GETDATE());
                    COMMIT TRANSACTION;
                    GO

                    """,
                DatabaseProvider.PostgreSql => $"""
                    BEGIN;
                    {shippedScriptText}
                    INSERT INTO schemaversions (scriptname, applied) VALUES ('{quotedScriptName}', LOCALTIMESTAMP);
                    COMMIT;

                    """,
                _ => $"""
                    BEGIN;
                    {shippedScriptText}
                    INSERT INTO SchemaVersions (ScriptName, Applied) VALUES ('{quotedScriptName}', datetime('now', 'localtime'));
                    COMMIT;

                    """,
            });
        }
        return text.ToString();
    }
}
