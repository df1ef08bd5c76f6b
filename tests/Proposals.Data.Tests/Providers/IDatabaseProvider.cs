using Proposals.Data.Migrations;

namespace Proposals.Data.Tests.Providers;

/// <summary>
/// One database product the store suites run against. Each suite is an abstract class of facts; a database
/// joins by adding a provider and one small subclass per suite (see <see cref="SqliteProvider"/>).
/// </summary>
public interface IDatabaseProvider
{
    DatabaseProvider Provider { get; }

    /// <summary>Why this database cannot be had here, or null when it can; suites skip with this reason.</summary>
    string? Unavailable => null;

    /// <summary>A new database of its own that no migration has touched.</summary>
    Task<Database> CreateEmptyDatabaseAsync();

    /// <summary>A new database of its own with every migration applied.</summary>
    async Task<Database> CreateDatabaseAsync()
    {
        var database = await CreateEmptyDatabaseAsync();
        var outcome = DatabaseMigrator.Migrate(database);
        return outcome.Successful ? database : throw new InvalidOperationException($"The test database could not be migrated: {outcome.Error}");
    }

    /// <summary>Removes a database this provider created.</summary>
    Task DropAsync(Database database);
}
