using Microsoft.Extensions.Logging.Abstractions;
using Proposals.Data;
using Proposals.Data.Migrations;
using Proposals.Data.Retention;

namespace Proposals.Host.Retention;

/// <summary><c>purge</c>: what the daily job deletes, once, with nothing but the database; prints what went.</summary>
internal static class PurgeCommand
{
    public static async Task<int> RunAsync(Database database, IConfiguration configuration, bool migrate, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var problems = RetentionOptions.Problems(configuration);
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                error.WriteLine($"error: {problem}");
            }
            error.WriteLine("error: nothing was deleted");
            return 1;
        }
        var migrated = DatabaseMigrator.Prepare(database, migrate);
        if (!migrated.Successful)
        {
            error.WriteLine($"error: {migrated.Error}");
            return 1;
        }
        var purge = new RetentionPurge(new RetentionStore(database), configuration, TimeProvider.System, NullLogger<RetentionPurge>.Instance);
        var report = await purge.RunAsync(cancellationToken);
        output.WriteLine($"Deleted {report.Total} row(s): {report}.");
        return 0;
    }
}
