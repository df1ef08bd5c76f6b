namespace Proposals.Host.Tests.Infrastructure;

/// <summary>
/// Browser tests over records made beforehand: the records are made on one host and the browser reads them on a
/// second host started later on the same database, so that time passes between hosts rather than under a running
/// Kestrel server, whose own timers must not see the test's clock jump.
/// </summary>
public abstract class LaterBrowserFacts : IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabases.Sqlite();
    private ProposalsHost? _host;
    private BrowserSession? _browser;

    protected BrowserSession Browser => _browser ?? throw new InvalidOperationException("The browser starts in InitializeAsync.");

    /// <summary>Makes the records on the first host, whose clock starts at <see cref="ProposalsHost.DefaultStart"/>.</summary>
    protected abstract Task PrepareAsync(Chain chain);

    /// <summary>When the second host's clock starts.</summary>
    protected abstract DateTimeOffset ReadAt { get; }

    public async Task InitializeAsync()
    {
        Skip.If(BrowserSession.Unavailable is not null, BrowserSession.Unavailable);
        using (var before = new ProposalsHost(_database))
        {
            using var chain = await Chain.StartAsync(before);
            await PrepareAsync(chain);
        }
        _host = new ProposalsHost(_database, start: ReadAt);
        _browser = await BrowserSession.StartAsync(_host);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _host?.Dispose();
        _database.Dispose();
    }
}
