using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Proposals.Data.Organizations;
using Proposals.Host.Auth;

namespace Proposals.Benchmarks;

/// <summary>
/// The real host, in this process, on a benchmark database with the demo city and the real clock. Hangfire's server
/// is off: each benchmark runs the work it times itself. Logging is kept to warnings so that it costs what it would in production.
/// </summary>
internal sealed class BenchmarkHost(BenchmarkDatabase database) : WebApplicationFactory<Program>
{
    public BenchmarkDatabase Database { get; } = database;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // The test host looks for its manifest in the working directory, which is the repository root under dotnet run.
        builder.UseContentRoot(ContentRoot);
        builder.UseEnvironment("Production");
        builder.UseSetting("Database:Provider", Database.Provider.ToString());
        builder.UseSetting("ConnectionStrings:Proposals", Database.ConnectionString);
        builder.UseSetting("Proposals:Demo", "true");
        builder.UseSetting("Jobs:Enabled", "false");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // Keys kept unencrypted in the user's profile are what a bare host does too; the warning says nothing about speed.
        builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore.DataProtection", "Error");
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }

    /// <summary>The host project's folder, as the build wrote it beside this program.</summary>
    private static string ContentRoot
    {
        get
        {
            using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "MvcTestingAppManifest.json")));
            return manifest.RootElement.GetProperty(typeof(Program).Assembly.FullName!).GetString()!;
        }
    }

    /// <summary>Starts the host on Kestrel at 127.0.0.1 on a free port and returns its address.</summary>
    public Uri StartKestrel()
    {
        UseKestrel(0);
        StartServer();
        return ClientOptions.BaseAddress;
    }

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    /// <summary>A user of the demo city (or one the benchmark added) as the host's handlers see them.</summary>
    public async Task<Caller> CallerAsync(string username, CancellationToken cancellationToken)
    {
        var user = await Get<UserStore>().FindByNameAsync(username, cancellationToken) ?? throw new InvalidOperationException($"No user {username}.");
        var organization = (await Get<OrganizationStore>().ListAsync(cancellationToken)).Single(o => o.Id == user.OrganizationId);
        return new Caller(user.Id, user.Username, user.DisplayName, user.OrganizationId, organization.Kind, user.Roles.ToHashSet(StringComparer.Ordinal));
    }
}
