using Proposals.Data;
using Proposals.Data.Migrations;
using Proposals.Data.Proposals;
using Proposals.Data.Workflows;
using Proposals.Host.Demo;
using Proposals.Host.Workflows;

namespace Proposals.Host.Startup;

/// <summary>Thrown when the host must not start: the message says exactly why.</summary>
internal sealed class StartupRefusedException(string message) : Exception(message);

/// <summary>
/// Before the host serves anything: bring the database up to date (or, with Database:MigrateOnStart=false, refuse one that is behind), validate and publish every workflow
/// file, and load the demo city when asked. Any failure stops the start with the reason.
/// </summary>
internal sealed class DatabaseStartup(
    Database database,
    DatabaseSettings settings,
    HistoryVerifier history,
    WorkflowStore workflows,
    WorkflowCatalog catalog,
    DemoCity demo,
    Proposals.SystemAccount system,
    Auth.InitialAdministrator administrator,
    IConfiguration configuration,
    IHostEnvironment environment,
    TimeProvider time,
    ILogger<DatabaseStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await PrepareAsync(cancellationToken);
        }
        catch (StartupRefusedException ex)
        {
            logger.LogCritical("The service cannot start. {Reason}", ex.Message);
            throw;
        }
    }

    private async Task PrepareAsync(CancellationToken cancellationToken)
    {
        var migration = DatabaseMigrator.Prepare(database, settings.MigrateOnStart, message => logger.LogDebug("{Migration}", message));
        if (migration.ScriptsApplied.Count > 0)
        {
            logger.LogInformation("Applied {Count} migration script(s): {Scripts}", migration.ScriptsApplied.Count, string.Join(", ", migration.ScriptsApplied));
        }
        if (!migration.Successful)
        {
            throw new StartupRefusedException(settings.MigrateOnStart ? $"Database migration failed: {migration.Error}" : $"Database not ready: {migration.Error}");
        }
        var sealedEvents = await history.SealLegacyEventsAsync(time.GetUtcNow(), cancellationToken);
        if (sealedEvents > 0)
        {
            logger.LogInformation("Sealed {Count} audit event(s) written before the history was chained", sealedEvents);
        }
        var folder = WorkflowFiles.Locate(configuration, environment.ContentRootPath);
        var files = WorkflowFiles.Read(folder);
        if (files.Errors.Count > 0)
        {
            throw new StartupRefusedException($"Invalid workflow definitions in {folder}:\n" + string.Join('\n', files.Errors.Select(e => "  " + e)));
        }
        var conflicts = await workflows.PublishAsync(files.Definitions, time.GetUtcNow(), cancellationToken);
        if (conflicts.Count > 0)
        {
            throw new StartupRefusedException("Workflow definitions conflict with published versions:\n" + string.Join('\n', conflicts.Select(c => $"  {c.WorkflowId} v{c.Version}: {c.Reason}")));
        }
        await catalog.ReloadAsync(cancellationToken);
        if (catalog.Latest(Proposals.ProposalActions.ProposalWorkflowId) is null)
        {
            throw new StartupRefusedException($"No '{Proposals.ProposalActions.ProposalWorkflowId}' workflow is published; {folder} must define it.");
        }
        await system.EnsureAsync(cancellationToken);
        if (configuration.GetValue("Proposals:Demo", false))
        {
            var password = DemoPassword(configuration);
            await demo.SeedAsync(password, cancellationToken);
            logger.LogInformation("{DemoUsers}", DemoCity.Describe(password));
        }
        await administrator.EnsureAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static string DemoPassword(IConfiguration configuration) =>
        Environment.GetEnvironmentVariable("PROPOSALS_DEMO_PASSWORD") is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : configuration["Proposals:DemoPassword"] is { Length: > 0 } configured ? configured : DemoCity.DefaultPassword;
}
