namespace Proposals.Host.Tests.Infrastructure;

/// <summary>A test class that starts its own hosts on one test database, and skips, saying why, when that database cannot be had.</summary>
public abstract class DatabaseFacts(Func<TestDatabase> database) : IDisposable
{
    private readonly TestDatabase _database = database();

    protected TestDatabase Database
    {
        get
        {
            Skip.If(_database.Unavailable is not null, _database.Unavailable);
            return _database;
        }
    }

    public void Dispose()
    {
        _database.Dispose();
        GC.SuppressFinalize(this);
    }
}
