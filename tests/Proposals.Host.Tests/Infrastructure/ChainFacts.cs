namespace Proposals.Host.Tests.Infrastructure;

/// <summary>A test class whose every test gets its own host, database and signed-in demo city.</summary>
public abstract class ChainFacts : IAsyncLifetime
{
    protected ProposalsHost Host { get; } = new();

    protected Chain C { get; private set; } = null!;

    public async Task InitializeAsync() => C = await Chain.StartAsync(Host);

    public Task DisposeAsync()
    {
        C.Dispose();
        Host.Dispose();
        return Task.CompletedTask;
    }
}
