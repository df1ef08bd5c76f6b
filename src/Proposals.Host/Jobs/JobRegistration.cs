using Hangfire;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.SqlServer;
using Proposals.Data;

namespace Proposals.Host.Jobs;

/// <summary>Hangfire in the host: storage that follows the database, the server when this host runs jobs, the dashboard.</summary>
internal static class JobRegistration
{
    public const string DashboardPath = "/hangfire";

    /// <summary>The schema of Hangfire's tables on SQL Server.</summary>
    public const string SqlServerSchemaName = "HangFire";

    public static IServiceCollection AddProposalsJobs(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(JobOptions.Section);
        services.Configure<JobOptions>(section);
        services.AddSingleton<ScheduledJobs>();
        // Registered before Hangfire's own so that each host has its storage rather than sharing the static JobStorage.Current.
        services.AddSingleton<JobStorage>(provider =>
        {
            // Hangfire's global settings (its log provider above all) are applied when first asked for; storages log from their constructor.
            _ = provider.GetRequiredService<IGlobalConfiguration>();
            return CreateStorage(provider.GetRequiredService<Database>(), provider.GetRequiredService<Startup.DatabaseSettings>().MigrateOnStart);
        });
        services.AddHangfire((provider, hangfire) => hangfire
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new HangfireLogBridge(provider.GetRequiredService<ILoggerFactory>())));
        services.AddHostedService<JobSchedule>();
        JobOptions settings;
        try
        {
            settings = section.Get<JobOptions>() ?? new JobOptions();
        }
        catch (InvalidOperationException)
        {
            // A value of the wrong type: the start-up check reports it and stops the host, so no server is needed.
            settings = new JobOptions { Enabled = false };
        }
        if (settings.Enabled)
        {
            services.AddHangfireServer((provider, server) =>
            {
                server.WorkerCount = Math.Clamp(settings.WorkerCount, 1, 64);
                server.ServerName = $"proposals:{Environment.MachineName}:{Environment.ProcessId}";
            });
        }
        return services;
    }

    /// <summary>
    /// Hangfire's storage on the service's own database: its tables on SQL Server and PostgreSQL (in their own schema),
    /// in memory with SQLite, for which Hangfire has no storage here. Jobs hold no state worth keeping: reminder and
    /// outbox rows are the durable truth, so an in-memory job store loses nothing on restart. Hangfire creates its
    /// tables only when the service may change the schema (Database:MigrateOnStart).
    /// </summary>
    private static JobStorage CreateStorage(Database database, bool prepareSchema) => database.Provider switch
    {
        DatabaseProvider.PostgreSql => CreatePostgresStorage(database.ConnectionString, prepareSchema),
        DatabaseProvider.SqlServer => new SqlServerStorage(database.ConnectionString, new SqlServerStorageOptions
        {
            SchemaName = SqlServerSchemaName,
            PrepareSchemaIfNecessary = prepareSchema,
            QueuePollInterval = TimeSpan.Zero,
        }),
        _ => new InMemoryStorage(),
    };

    private static PostgreSqlStorage CreatePostgresStorage(string connectionString, bool prepareSchema)
    {
        var options = new PostgreSqlStorageOptions { SchemaName = "hangfire", PrepareSchemaIfNecessary = prepareSchema };
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
    }

    public static WebApplication MapJobsDashboard(this WebApplication app)
    {
        app.MapHangfireDashboard(DashboardPath, new DashboardOptions
        {
            Authorization = [new DashboardAccess()],
            IsReadOnlyFunc = DashboardAccess.IsReadOnly,
            DashboardTitle = "提案办理 · 后台任务",
            DisplayStorageConnectionString = false,
            AppPath = "/",
        }, app.Services.GetRequiredService<JobStorage>()).RequireAuthorization(Startup.ServiceRegistration.DashboardPolicy);
        return app;
    }
}
