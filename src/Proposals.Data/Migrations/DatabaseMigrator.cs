using System.Data.Common;
using System.Reflection;
using Dapper;
using DbUp;
using DbUp.Engine.Output;

namespace Proposals.Data.Migrations;

/// <summary>The outcome of bringing a database up to date.</summary>
public sealed record MigrationOutcome(bool Successful, IReadOnlyList<string> ScriptsApplied, string? Error);

/// <summary>The shipped scripts a database has not run yet, in the order they would run; or why that could not be read.</summary>
public sealed record PendingMigrations(bool Successful, IReadOnlyList<string> Scripts, string? Error);

/// <summary>
/// Applies the forward-only scripts of <c>db/&lt;provider&gt;/</c> in name order, each once, recorded in a journal
/// table. On the shared databases a session lock is held meanwhile, so hosts starting together migrate one at a time.
/// </summary>
public static class DatabaseMigrator
{
    // Any fixed number: it names the lock, and every host must use the same one.
    private const long PostgresLockKey = 0x50524f504f53;
    private const string SqlServerLockName = "proposals-migrations";

    public static MigrationOutcome Migrate(Database database, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        try
        {
            return MigrateUnderLock(database, log);
        }
        catch (Exception ex) when (ex is DbException or System.Net.Sockets.SocketException or TimeoutException or IOException)
        {
            return new MigrationOutcome(false, [], Unreachable(database, ex));
        }
    }

    /// <summary>The shipped scripts the database has not run, read from its journal without changing anything (a SQLite file that does not exist yet is not created).</summary>
    public static PendingMigrations Pending(Database database)
    {
        ArgumentNullException.ThrowIfNull(database);
        if (database.Provider == DatabaseProvider.Sqlite && !SqliteFileExists(database))
        {
            return new PendingMigrations(true, ScriptNames(database.Provider), null);
        }
        try
        {
            // Reached first, so that a server that does not answer is told apart from a journal that cannot be read.
            using (var connection = database.Dialect.CreateConnection(database.ConnectionString))
            {
                connection.Open();
            }
            var (executed, error) = Executed(database, Engine(database, null));
            return executed is null
                ? new PendingMigrations(false, [], error)
                : new PendingMigrations(true, ScriptNames(database.Provider).Where(name => !executed.Contains(name, StringComparer.Ordinal)).ToList(), null);
        }
        catch (Exception ex) when (ex is DbException or System.Net.Sockets.SocketException or TimeoutException or IOException)
        {
            return new PendingMigrations(false, [], Unreachable(database, ex));
        }
    }

    /// <summary>
    /// Readies the schema before the service uses it: migrates when <paramref name="migrate"/> is set; otherwise changes
    /// nothing and fails, naming the pending scripts, when the database is behind this version.
    /// </summary>
    public static MigrationOutcome Prepare(Database database, bool migrate, Action<string>? log = null)
    {
        if (migrate)
        {
            return Migrate(database, log);
        }
        var pending = Pending(database);
        if (!pending.Successful)
        {
            return new MigrationOutcome(false, [], pending.Error);
        }
        return pending.Scripts.Count == 0
            ? new MigrationOutcome(true, [], null)
            : new MigrationOutcome(false, [],
                $"the database is behind this version: {pending.Scripts.Count} migration script(s) have not run ({string.Join(", ", pending.Scripts.Select(ShortName))}), and Database:MigrateOnStart is false, so this service does not run them; run `migrate`, or have them run from the script `migrate --script` writes");
    }

    /// <summary>A script's file name, as in db/&lt;provider&gt;/.</summary>
    public static string ShortName(string resourceName)
    {
        ArgumentNullException.ThrowIfNull(resourceName);
        var parts = resourceName.Split('.');
        return parts.Length >= 2 ? $"{parts[^2]}.{parts[^1]}" : resourceName;
    }

    private static string Unreachable(Database database, Exception ex) =>
        $"cannot reach the {database.Provider} database ({ex.GetBaseException().Message}); check ConnectionStrings:Proposals, that the server runs and that the database exists";

    private static bool SqliteFileExists(Database database)
    {
        var source = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
        return string.IsNullOrEmpty(source) || source == ":memory:" || File.Exists(Path.GetFullPath(source));
    }

    private static MigrationOutcome MigrateUnderLock(Database database, Action<string>? log)
    {
        using var fileLock = database.Provider == DatabaseProvider.Sqlite ? AcquireFileLock(database) : null;
        using var lockConnection = database.Provider == DatabaseProvider.Sqlite ? null : AcquireLock(database);
        try
        {
            return Run(database, log);
        }
        finally
        {
            if (lockConnection is not null)
            {
                ReleaseLock(database, lockConnection);
            }
        }
    }

    private static DbUp.Engine.UpgradeEngine Engine(Database database, Action<string>? log)
    {
        var folder = ScriptFolder(database.Provider);
        var builder = database.Provider switch
        {
            DatabaseProvider.Sqlite => DeployChanges.To.SqliteDatabase(database.ConnectionString),
            DatabaseProvider.PostgreSql => DeployChanges.To.PostgresqlDatabase(database.ConnectionString),
            _ => DeployChanges.To.SqlDatabase(database.ConnectionString),
        };
        return builder
            .WithScriptsEmbeddedInAssembly(Assembly.GetExecutingAssembly(), name => name.StartsWith($"Proposals.Data.Scripts.{folder}.", StringComparison.Ordinal))
            .WithTransactionPerScript()
            .LogTo(new Log(log))
            .Build();
    }

    // The scripts the journal says ran; an error when it cannot be read or names a script this version does not ship.
    private static (List<string>? Executed, string? Error) Executed(Database database, DbUp.Engine.UpgradeEngine engine)
    {
        List<string> executed;
        try
        {
            executed = engine.GetExecutedScripts();
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or ArgumentException or TimeoutException)
        {
            return (null, $"cannot read the database's migration journal: {ex.Message}");
        }
        var unknown = executed.Except(ScriptNames(database.Provider), StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            // Running older code on a newer schema could write rows the newer code does not expect: refuse before touching anything.
            return (null, $"the database was migrated by a newer version of this service (it has run {string.Join(", ", unknown)}, which this version does not know); run that version or a newer one");
        }
        return (executed, null);
    }

    private static MigrationOutcome Run(Database database, Action<string>? log)
    {
        var engine = Engine(database, log);
        var (_, error) = Executed(database, engine);
        if (error is not null)
        {
            return new MigrationOutcome(false, [], error);
        }
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

    internal static DbConnection AcquireLock(Database database)
    {
        var connection = database.Dialect.CreateConnection(database.ConnectionString);
        connection.Open();
        if (database.Provider == DatabaseProvider.PostgreSql)
        {
            // A session-level advisory lock: held until released or the session ends, even if this process dies mid-way.
            connection.Execute("SELECT pg_advisory_lock(@key)", new { key = PostgresLockKey }, commandTimeout: 600);
        }
        else
        {
            // Session-owned so that it spans DbUp's own connections; a crash ends the session and frees it.
            var result = connection.ExecuteScalar<int>(
                """
                DECLARE @result int;
                EXEC @result = sp_getapplock @Resource = @name, @LockMode = 'Exclusive', @LockOwner = 'Session', @LockTimeout = 600000;
                SELECT @result;
                """, new { name = SqlServerLockName }, commandTimeout: 660);
            if (result < 0)
            {
                connection.Dispose();
                throw new TimeoutException($"Could not take the migration lock (sp_getapplock returned {result}).");
            }
        }
        return connection;
    }

    // SQLite has no named locks, and DbUp's journal is not safe against two processes migrating one new file,
    // so processes sharing a file take turns on a lock file beside it.
    private static FileStream? AcquireFileLock(Database database)
    {
        var source = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
        if (string.IsNullOrEmpty(source) || source == ":memory:")
        {
            return null;
        }
        var path = Path.GetFullPath(source) + ".migrate.lock";
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
        }
    }

    internal static void ReleaseLock(Database database, DbConnection connection)
    {
        if (database.Provider == DatabaseProvider.PostgreSql)
        {
            connection.Execute("SELECT pg_advisory_unlock(@key)", new { key = PostgresLockKey });
        }
        else
        {
            connection.Execute("EXEC sp_releaseapplock @Resource = @name, @LockOwner = 'Session'", new { name = SqlServerLockName });
        }
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
        connection.Execute("PRAGMA journal_mode=WAL;");
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
