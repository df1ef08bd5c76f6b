using Hangfire.SqlServer;
using Proposals.Data;

namespace Proposals.Host.Jobs;

/// <summary>
/// Hangfire's own tables, for the script <c>migrate --script</c> writes: with Database:MigrateOnStart=false the host
/// does not let Hangfire create them, so the DBA creates them with the service's.
/// </summary>
internal static class JobSchemaScript
{
    /// <summary>The batch that creates or upgrades Hangfire's tables, or null where the script cannot hold them (see README).</summary>
    public static string? For(DatabaseProvider provider) => provider switch
    {
        // Hangfire's installer: it takes an application lock, checks the version it finds and upgrades only from there,
        // so running it on a database that has the tables changes nothing.
        DatabaseProvider.SqlServer => $"""

            -- Hangfire's own tables in the schema {JobRegistration.SqlServerSchemaName}, as Hangfire.SqlServer creates them when
            -- Database:MigrateOnStart is true; safe to run again.
            {SqlServerObjectsInstaller.GetInstallScript(JobRegistration.SqlServerSchemaName, enableHeavyMigrations: false).Trim()}
            GO

            """,
        _ => null,
    };
}
