using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Proposals.Data.Tests.Providers;

/// <summary>SQLite on real files: a new file in the temp folder for each database, deleted with its WAL files afterwards.</summary>
public sealed class SqliteProvider : IDatabaseProvider, IDisposable
{
    private static readonly string Folder = Path.Combine(Path.GetTempPath(), "proposals-data-tests");

    private readonly ConcurrentDictionary<string, Database> _created = new(StringComparer.Ordinal);

    public DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public Task<Database> CreateEmptyDatabaseAsync()
    {
        var path = Path.Combine(Folder, $"{Guid.NewGuid():N}.db");
        var database = new Database(DatabaseProvider.Sqlite, $"Data Source={path}");
        _created[PathOf(database)] = database;
        return Task.FromResult(database);
    }

    public Task DropAsync(Database database)
    {
        ArgumentNullException.ThrowIfNull(database);
        var path = PathOf(database);
        _created.TryRemove(path, out _);
        Delete(database, path);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        foreach (var (path, database) in _created)
        {
            Delete(database, path);
        }
        _created.Clear();
    }

    private static string PathOf(Database database) => Path.GetFullPath(new SqliteConnectionStringBuilder(database.ConnectionString).DataSource);

    private static void Delete(Database database, string path)
    {
        // Pooled connections keep the file open; release them before deleting it.
        using (var connection = new SqliteConnection(database.ConnectionString))
        {
            SqliteConnection.ClearPool(connection);
        }
        foreach (var file in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
        {
            File.Delete(file);
        }
    }
}
