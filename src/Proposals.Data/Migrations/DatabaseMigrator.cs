using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using DbUp;
using DbUp.Engine;
using DbUp.Engine.Output;
using Microsoft.Data.Sqlite;

namespace Proposals.Data.Migrations;

/// <summary>The outcome of bringing a database up to date.</summary>
public sealed record MigrationOutcome(bool Successful, IReadOnlyList<string> ScriptsApplied, string? Error);

/// <summary>Applies the forward-only scripts of <c>db/&lt;provider&gt;/</c> in name order, each once, recorded in a journal table.</summary>
public static class DatabaseMigrator
{
    public static MigrationOutcome Migrate(Database database, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        // DbUp reads the journal, then runs what it lacks: a second migrator between those steps would run a script twice
        // and fail. So, like Hangfire's installer under sp_getapplock, one migrator per database at a time.
        using var exclusive = MigrationLock.TryAcquire(database, TimeSpan.FromMinutes(5));
        if (exclusive is null)
        {
            return new MigrationOutcome(false, [], "another migration of this database has been running for more than 5 minutes");
        }
        var folder = ScriptFolder(database.Provider);
        var builder = database.Provider switch
        {
            DatabaseProvider.Sqlite => DeployChanges.To.SqliteDatabase(database.ConnectionString),
            _ => throw new NotSupportedException($"No migrations for {database.Provider}."),
        };
        var engine = builder
            .WithScriptsEmbeddedInAssembly(Assembly.GetExecutingAssembly(), name => name.StartsWith($"Proposals.Data.Scripts.{folder}.", StringComparison.Ordinal))
            .WithTransactionPerScript()
            .LogTo(new Log(log))
            .Build();
        var result = engine.PerformUpgrade();
        var applied = result.Scripts.Select(s => s.Name).ToList();
        if (!result.Successful)
        {
            return new MigrationOutcome(false, applied, $"{result.ErrorScript?.Name}: {result.Error?.Message}");
        }
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            EnableWriteAheadLog(database);
        }
        return new MigrationOutcome(true, applied, null);
    }

    /// <summary>The names of every script shipped for a provider, in the order they run.</summary>
    public static IReadOnlyList<string> ScriptNames(DatabaseProvider provider)
    {
        var prefix = $"Proposals.Data.Scripts.{ScriptFolder(provider)}.";
        return Assembly.GetExecutingAssembly().GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The text of a shipped script.</summary>
    public static string ScriptText(string resourceName)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resourceName) ?? throw new ArgumentException($"No script {resourceName}.", nameof(resourceName));
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static string ScriptFolder(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => "sqlite",
        DatabaseProvider.PostgreSql => "postgres",
        _ => "sqlserver",
    };

    // WAL lets readers go on while one writer commits; the setting is stored in the file, so once is enough.
    private static void EnableWriteAheadLog(Database database)
    {
        using var connection = database.Dialect.CreateConnection(database.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        command.ExecuteNonQuery();
    }

    // SQLite has no lock a DbUp connection could hold for the whole upgrade without blocking itself, so the lock is a
    // machine-wide mutex named after the database file: every process that can open the file can see it.
    private sealed class MigrationLock(Mutex? mutex) : IDisposable
    {
        public static MigrationLock? TryAcquire(Database database, TimeSpan timeout)
        {
            if (database.Provider != DatabaseProvider.Sqlite)
            {
                return new MigrationLock(null);
            }
            var builder = new SqliteConnectionStringBuilder(database.ConnectionString);
            if (builder.Mode == SqliteOpenMode.Memory || builder.DataSource is "" or ":memory:")
            {
                return new MigrationLock(null);
            }
            var file = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(builder.DataSource))));
            var mutex = new Mutex(false, $"Global\\proposals-migrate-{file}");
            try
            {
                if (!mutex.WaitOne(timeout))
                {
                    mutex.Dispose();
                    return null;
                }
            }
            catch (AbandonedMutexException)
            {
                // A migrator died holding the lock; its script transaction rolled back with it, and the lock is now ours.
            }
            return new MigrationLock(mutex);
        }

        public void Dispose()
        {
            mutex?.ReleaseMutex();
            mutex?.Dispose();
        }
    }

    private sealed class Log(Action<string>? write) : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) { }

        public void LogDebug(string format, params object[] args) { }

        public void LogInformation(string format, params object[] args) => write?.Invoke(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));

        public void LogWarning(string format, params object[] args) => write?.Invoke("warning: " + string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));

        public void LogError(string format, params object[] args) => write?.Invoke("error: " + string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));

        public void LogError(Exception ex, string format, params object[] args) => LogError(format + " " + ex.Message, args);
    }
}
