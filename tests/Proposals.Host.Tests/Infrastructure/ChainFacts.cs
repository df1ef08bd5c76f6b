namespace Proposals.Host.Tests.Infrastructure;

/// <summary>
/// A test class whose every test gets its own database, host and signed-in demo city. Each suite is written
/// once and run on every database by a small subclass per provider; a database that cannot be had here skips.
/// </summary>
public abstract class ChainFacts(Func<TestDatabase> database) : IAsyncLifetime
{
    private ProposalsHost? _host;

    protected TestDatabase Database { get; } = database();

    protected ProposalsHost Host => _host ?? throw new InvalidOperationException("The host starts in InitializeAsync.");

    protected Chain C { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Skip.If(Database.Unavailable is not null, Database.Unavailable);
        _host = new ProposalsHost(Database, settings: await SettingsAsync());
        C = await Chain.StartAsync(_host);
    }

    /// <summary>Configuration for this suite's host, for suites that first start something it talks to.</summary>
    protected virtual Task<IReadOnlyDictionary<string, string?>?> SettingsAsync() => Task.FromResult<IReadOnlyDictionary<string, string?>?>(null);

    public virtual Task DisposeAsync()
    {
        C?.Dispose();
        _host?.Dispose();
        Database.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>The test databases, by provider, for the subclasses that run each suite.</summary>
public static class TestDatabases
{
    public static TestDatabase Sqlite() => new SqliteTestDatabase();

    public static TestDatabase Postgres() => new PostgresTestDatabase();

    public static TestDatabase SqlServer() => new SqlServerTestDatabase();
}
