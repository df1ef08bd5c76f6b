using OpenTelemetry.Metrics;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Proposals.Data;
using Proposals.Data.Calendar;
using Proposals.Data.Organizations;
using Proposals.Data.Proposals;
using Proposals.Data.Reminders;
using Proposals.Data.Statistics;
using Proposals.Data.Topics;
using Proposals.Data.Workflows;
using Proposals.Host.Auth;
using Proposals.Host.Demo;
using Proposals.Host.Http;
using Proposals.Host.Notifications;
using Proposals.Host.Proposals;
using Proposals.Host.Supervision;
using Proposals.Host.Workflows;
using Scalar.AspNetCore;

namespace Proposals.Host.Startup;

/// <summary>The host's building blocks, so that Program.cs reads as a table of contents.</summary>
internal static class ServiceRegistration
{
    public const string DefaultUrl = "http://127.0.0.1:5080";
    public const string DefaultConnectionString = "Data Source=data/proposals.db";
    public const string PagesPolicy = "pages";
    public const string DashboardPolicy = "dashboard";

    /// <summary>
    /// A Windows service starts in the system folder: its content root (workflows/, a relative SQLite file) is then
    /// the program's own folder. Elsewhere it is the working directory, as systemd's WorkingDirectory= sets it.
    /// </summary>
    public static WebApplicationOptions BuilderOptions(string[] args) => new()
    {
        Args = args,
        ContentRootPath = Microsoft.Extensions.Hosting.WindowsServices.WindowsServiceHelpers.IsWindowsService() ? AppContext.BaseDirectory : null,
    };

    public static WebApplicationBuilder UseProposalsDefaults(this WebApplicationBuilder builder)
    {
        // The same program runs as a Windows service or a systemd unit (Type=notify): each does nothing elsewhere.
        builder.Services.AddWindowsService();
        builder.Services.AddSystemd();
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = 1024 * 1024;
            // No "Server: Kestrel": what runs here is nobody's business outside.
            kestrel.AddServerHeader = false;
        });
        return builder;
    }

    /// <summary>Registers the database and stores, or writes why the configuration cannot work and returns false.</summary>
    public static bool TryAddProposalsData(this IServiceCollection services, IConfiguration configuration, TextWriter error)
    {
        if (DatabaseSettings.TryRead(configuration, error) is not { } settings)
        {
            return false;
        }
        services.AddSingleton(settings);
        services.AddSingleton(_ => new Database(settings.Provider, settings.ConnectionString));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<OrganizationStore>();
        services.AddSingleton<UserStore>();
        services.AddSingleton<SignInAttemptStore>();
        services.AddSingleton<CalendarStore>();
        services.AddSingleton<WorkflowStore>();
        services.AddSingleton<TopicStore>();
        services.AddSingleton<ProposalStore>();
        services.AddSingleton<HistoryVerifier>();
        services.AddSingleton<StatisticsStore>();
        services.AddSingleton<Admin.Administration>();
        services.AddSingleton<Admin.AccountImport>();
        services.AddSingleton<NotificationStore>();
        services.AddSingleton<ReminderStore>();
        services.AddSingleton<OutboxStore>();
        services.AddSingleton<Data.Retention.RetentionStore>();
        return true;
    }

    public static IServiceCollection AddProposalsWorkflow(this IServiceCollection services)
    {
        services.AddSingleton<WorkflowCatalog>();
        services.AddSingleton<EngineContextFactory>();
        services.AddSingleton<Time.ServiceTimeZone>();
        services.AddSingleton<Calendar.CalendarImport>();
        services.AddSingleton<Calendar.CalendarCoverage>();
        services.AddSingleton<Retention.RetentionPurge>();
        services.AddHealthChecks().AddCheck<Calendar.CalendarCoverageHealthCheck>("calendar", tags: ["ready"]);
        services.AddSingleton<ProposalActions>();
        services.AddSingleton<Reminders.ReminderDispatcher>();
        services.AddSingleton<SystemAccount>();
        services.AddSingleton<DemoCity>();
        // In this order: settings are judged before the database is touched, and jobs are scheduled after it is ready.
        services.AddHostedService<SettingsCheck>();
        services.AddHostedService<DatabaseStartup>();
        return services;
    }

    public static IServiceCollection AddProposalsNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddNotificationChannels(configuration);
        services.AddSingleton<MessageTemplates>();
        services.AddSingleton<Links>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddSingleton<SupervisorDigest>();
        // One instance, so that it can keep its last answer (health checks are otherwise created per probe).
        services.AddSingleton<SmtpHealthCheck>();
        services.AddHealthChecks()
            .AddCheck<OutboxHealthCheck>("outbox", tags: ["ready"])
            .AddCheck<Reminders.ReminderHealthCheck>("reminders", tags: ["ready"])
            .AddCheck<ChannelsHealthCheck>("channels", tags: ["ready"])
            .AddCheck<SmtpHealthCheck>("smtp", tags: ["ready"]);
        return services;
    }

    public const string SignInRateLimit = "sign-in";

    public static IServiceCollection AddProposalsAuth(this IServiceCollection services, IConfiguration configuration)
    {
        // Guessing passwords is slowed per address on top of the per-account-and-address lockout, which a guesser
        // spreading over many accounts never reaches. Only attempts count: showing the sign-in form (a GET) does not.
        var perMinute = Math.Max(1, configuration.GetValue("Security:SignInsPerMinute", 20));
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(SignInRateLimit, http => HttpMethods.IsPost(http.Request.Method)
                ? System.Threading.RateLimiting.RateLimitPartition.GetFixedWindowLimiter(
                    SignInSource.Of(http),
                    _ => new System.Threading.RateLimiting.FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1) })
                : System.Threading.RateLimiting.RateLimitPartition.GetNoLimiter(""));
            limiter.OnRejected = (context, _) =>
            {
                // The window's end when the limiter knows it, else a whole window: never an answer without a time to retry.
                var retryAfter = context.Lease.TryGetMetadata(System.Threading.RateLimiting.MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return ValueTask.CompletedTask;
            };
        });
        services.AddSingleton<IPasswordHasher<UserAccount>, PasswordHasher<UserAccount>>();
        services.AddSingleton<Sessions>();
        services.AddSingleton(new OperatorConsole(Console.Out));
        services.AddSingleton<InitialAdministrator>();
        services.AddAuthentication(TokenAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, SessionCookieHandler>(SessionCookieHandler.SchemeName, null)
            .AddPolicyScheme(DashboardPolicy, "bearer token or session cookie", scheme => scheme.ForwardDefaultSelector = http =>
                http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? TokenAuthenticationHandler.SchemeName
                    : SessionCookieHandler.SchemeName)
            .AddOidcSignIn(configuration);
        // The API takes bearer tokens only; the pages take the session cookie only, so that no API call rides on a
        // browser's cookie. The jobs dashboard, a page that is not ours, takes either.
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(TokenAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build())
            .AddPolicy(PagesPolicy, new AuthorizationPolicyBuilder(SessionCookieHandler.SchemeName).RequireAuthenticatedUser().Build())
            .AddPolicy(DashboardPolicy, new AuthorizationPolicyBuilder(DashboardPolicy).RequireAuthenticatedUser().Build());
        return services;
    }

    public static IServiceCollection AddProposalsApi(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<Http.DatabaseUnavailable>();
        services.AddSingleton<Data.Monitoring.MonitoringStore>();
        services.AddSingleton<Monitoring.ProposalsMetrics>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddAspNetCoreInstrumentation()
            .AddMeter(Monitoring.ProposalsMetrics.MeterName)
            .AddPrometheusExporter(options => options.ScrapeEndpointPath = Monitoring.MetricsAccess.Path));
        services.ConfigureHttpJsonOptions(options => ApiJson.Configure(options.SerializerOptions));
        services.AddOpenApi(options => options.AddDocumentTransformer((document, context, _) =>
        {
            // The document names the site as its users reach it, never the Host header a caller chose; without a
            // configured public address it names none, and clients use the address they fetched it from.
            var publicUrl = context.ApplicationServices.GetRequiredService<IConfiguration>()[Http.ReverseProxy.PublicUrlKey];
            document.Servers = publicUrl is { Length: > 0 } ? [new Microsoft.OpenApi.OpenApiServer { Url = publicUrl.TrimEnd('/') }] : [];
            return Task.CompletedTask;
        }));
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        return services;
    }

    public static WebApplication UseProposalsPipeline(this WebApplication app)
    {
        app.UseProposalsProxy(app.Configuration);
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseTextInputCheck();
        app.UseAuthentication();
        Monitoring.MetricsAccessMiddleware.UseMetricsAccess(app);
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapPrometheusScrapingEndpoint(Monitoring.MetricsAccess.Path).AllowAnonymous().ExcludeFromDescription();
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference().AllowAnonymous();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready"), ResponseWriter = HealthReportJson.WriteAsync }).AllowAnonymous();
        return app;
    }
}

/// <summary>
/// The database a deployment uses and whether the service may change its schema: with Database:MigrateOnStart=false
/// (a DBA runs the migrations) the host and its commands migrate nothing, create no Hangfire tables, and refuse a
/// database that is behind.
/// </summary>
internal sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString, bool MigrateOnStart)
{
    /// <summary>The settings, or null after writing to <paramref name="error"/> what is wrong with them.</summary>
    public static DatabaseSettings? TryRead(IConfiguration configuration, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(error);
        var providerText = configuration["Database:Provider"] ?? nameof(DatabaseProvider.Sqlite);
        if (!Enum.TryParse<DatabaseProvider>(providerText, ignoreCase: true, out var provider) || !Enum.IsDefined(provider))
        {
            error.WriteLine($"error: Database:Provider is '{providerText}'; it must be one of Sqlite, PostgreSql, SqlServer.");
            return null;
        }
        var migrateText = configuration["Database:MigrateOnStart"];
        var migrate = true;
        if (!string.IsNullOrEmpty(migrateText) && !bool.TryParse(migrateText, out migrate))
        {
            error.WriteLine($"error: Database:MigrateOnStart is '{migrateText}'; it must be true or false.");
            return null;
        }
        var connectionString = configuration.GetConnectionString("Proposals") ?? ServiceRegistration.DefaultConnectionString;
        try
        {
            _ = new Database(provider, connectionString);
        }
        catch (ArgumentException ex)
        {
            error.WriteLine($"error: ConnectionStrings:Proposals is not a valid {provider} connection string: {ex.Message}");
            return null;
        }
        return new DatabaseSettings(provider, connectionString, migrate);
    }

    public Database Open() => new(Provider, ConnectionString);
}

/// <summary>Ready means the database answers.</summary>
internal sealed class DatabaseHealthCheck(Database database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{database.Provider} answers");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"{database.Provider} does not answer", ex);
        }
    }
}
