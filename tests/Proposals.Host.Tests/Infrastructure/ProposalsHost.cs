using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Proposals.Host.Tests.Infrastructure;

/// <summary>
/// The real host on the ASP.NET test server, on a test database of its own, with the demo city and a clock
/// the test controls.
/// </summary>
public sealed class ProposalsHost : WebApplicationFactory<Program>
{
    /// <summary>A Monday morning in Beijing (01:00Z = 09:00 local), far from any public holiday.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);

    private readonly string? _workflowsPath;

    private readonly IReadOnlyDictionary<string, string?> _settings;

    /// <param name="settings">Configuration on top of the test defaults (which switch the Hangfire server off: tests run jobs themselves, on their clock).</param>
    public ProposalsHost(TestDatabase database, string? workflowsPath = null, DateTimeOffset? start = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        Database = database;
        _workflowsPath = workflowsPath;
        Clock = new ManualTimeProvider(start ?? DefaultStart);
        _settings = settings ?? new Dictionary<string, string?>();
    }

    /// <summary>The database this host writes; its owner disposes it.</summary>
    public TestDatabase Database { get; }

    public ManualTimeProvider Clock { get; }

    /// <summary>
    /// A request header only test hosts read: the client address the host sees for that request, as the
    /// forwarded-headers middleware would set it behind a proxy. Without it every test client has the same address.
    /// </summary>
    public const string ClientAddressHeader = "X-Test-Client-Address";

    /// <summary>The password hasher the host uses, noting each check.</summary>
    public CountingPasswordHasher Passwords { get; } = new();

    /// <summary>A client whose requests come from <paramref name="address"/>.</summary>
    public HttpClient CreateClientFrom(string address)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add(ClientAddressHeader, address);
        return client;
    }

    /// <summary>What the host told its operator outside the logs (the initial administrator's password).</summary>
    public StringWriter OperatorOutput { get; } = new();

    /// <summary>Warnings and errors the host logged.</summary>
    public CapturedLog Log { get; } = new();

    /// <summary>Starts the host and returns why it refused to start; fails if it started.</summary>
    public string StartupFailure()
    {
        var error = Assert.ThrowsAny<Exception>(() => CreateClient());
        return Log.Text + "\n" + error;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", Database.Provider.ToString());
        builder.UseSetting("ConnectionStrings:Proposals", Database.ConnectionString);
        builder.UseSetting("Proposals:Demo", "true");
        builder.UseSetting("Proposals:WorkflowsPath", _workflowsPath ?? RepositoryPaths.Workflows);
        builder.UseSetting("Jobs:Enabled", "false");
        // Every test host signs its whole demo city in, again after each move of the clock: far beyond a person's pace.
        builder.UseSetting("Security:SignInsPerMinute", "100000");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureLogging(logging => logging.AddProvider(Log));
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            services.RemoveAll<global::Proposals.Host.Auth.OperatorConsole>();
            services.AddSingleton(new global::Proposals.Host.Auth.OperatorConsole(OperatorOutput));
            services.RemoveAll<IPasswordHasher<global::Proposals.Data.Organizations.UserAccount>>();
            services.AddSingleton<IPasswordHasher<global::Proposals.Data.Organizations.UserAccount>>(Passwords);
            services.AddSingleton<IStartupFilter, ClientAddressFromHeader>();
        });
    }

    private sealed class ClientAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[ClientAddressHeader].ToString(), out var address))
                {
                    context.Connection.RemoteIpAddress = address;
                }
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    /// <summary>A client signed in as a demo user.</summary>
    public async Task<ApiClient> SignInAsync(string username)
    {
        var client = new ApiClient(CreateClient(), username);
        await client.SignInAsync();
        return client;
    }

    /// <summary>A count or number from the host's database, read directly, to check what was or was not written.</summary>
    public long Scalar(string sql) => Database.Scalar<long>(sql);

    /// <summary>Row counts of every table an action writes, to compare before and after a refused request.</summary>
    public string RowCounts() => string.Join(", ", new[] { "proposals", "audit_events", "tasks", "reminders", "notifications", "proposal_departments", "idempotency_keys", "topics", "topic_parties" }
        .Select(t => $"{t}={Scalar($"SELECT COUNT(*) FROM {t}")}"))
        + $", versions={Scalar("SELECT COALESCE(SUM(version), 0) FROM proposals")}"
        + $", openTasks={Scalar("SELECT COUNT(*) FROM tasks WHERE closed_at IS NULL")}"
        + $", pendingReminders={Scalar("SELECT COUNT(*) FROM reminders WHERE status = 'pending'")}";
}
