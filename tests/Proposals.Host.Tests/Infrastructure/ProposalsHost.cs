using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Proposals.Host.Tests.Infrastructure;

/// <summary>
/// The real host on the ASP.NET test server, with its own SQLite file, the demo city and a clock the test
/// controls. One per test class (or per test where a test needs a clean database).
/// </summary>
public sealed class ProposalsHost : WebApplicationFactory<Program>
{
    /// <summary>A Monday morning in Beijing (01:00Z = 09:00 local), far from any public holiday.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "proposals-tests", Guid.NewGuid().ToString("N"));
    private readonly string? _workflowsPath;
    private readonly string? _databasePath;

    public ProposalsHost(string? workflowsPath = null, DateTimeOffset? start = null, string? databasePath = null)
    {
        _workflowsPath = workflowsPath;
        _databasePath = databasePath;
        Directory.CreateDirectory(_folder);
        Clock = new ManualTimeProvider(start ?? DefaultStart);
    }

    public ManualTimeProvider Clock { get; }

    /// <summary>Warnings and errors the host logged.</summary>
    public CapturedLog Log { get; } = new();

    /// <summary>Starts the host and returns why it refused to start; fails if it started.</summary>
    public string StartupFailure()
    {
        var error = Assert.ThrowsAny<Exception>(() => CreateClient());
        return Log.Text + "\n" + error;
    }

    public string DatabasePath => _databasePath ?? Path.Combine(_folder, "proposals.db");

    public string ConnectionString => $"Data Source={DatabasePath}";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Proposals", ConnectionString);
        builder.UseSetting("Proposals:Demo", "true");
        builder.UseSetting("Proposals:WorkflowsPath", _workflowsPath ?? RepositoryPaths.Workflows);
        builder.ConfigureLogging(logging => logging.AddProvider(Log));
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
        });
    }

    /// <summary>A client signed in as a demo user.</summary>
    public async Task<ApiClient> SignInAsync(string username)
    {
        var client = new ApiClient(CreateClient(), username);
        await client.SignInAsync();
        return client;
    }

    /// <summary>A scalar from the host's database, read directly, to check what was or was not written.</summary>
    public long Scalar(string sql)
    {
        using var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The first column of every row a query returns, as text.</summary>
    public IReadOnlyList<string> Strings(string sql)
    {
        using var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }
        return values;
    }

    /// <summary>Row counts of every table an action writes, to compare before and after a refused request.</summary>
    public string RowCounts() => string.Join(", ", new[] { "proposals", "audit_events", "tasks", "reminders", "notifications", "proposal_departments", "idempotency_keys", "topics", "topic_parties" }
        .Select(t => $"{t}={Scalar($"SELECT COUNT(*) FROM {t}")}"))
        + $", versions={Scalar("SELECT COALESCE(SUM(version), 0) FROM proposals")}"
        + $", openTasks={Scalar("SELECT COUNT(*) FROM tasks WHERE closed_at IS NULL")}"
        + $", pendingReminders={Scalar("SELECT COUNT(*) FROM reminders WHERE status = 'pending'")}";

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a pooled connection on another thread; the temp folder is cleaned by the OS.
        }
    }
}
