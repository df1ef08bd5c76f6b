using Microsoft.Data.Sqlite;
using Proposals.Data;

namespace Proposals.Host.Backup;

/// <summary>
/// <c>backup &lt;file&gt; [--force]</c>: a consistent copy of the SQLite database through SQLite's online backup API,
/// safe while the service runs and writes (the copy is the database as of one moment). It is written beside the target
/// first and moved into place only when complete, so a failed backup leaves no half file and never spoils the last good
/// one. PostgreSQL and SQL Server have their own tools, which this command names instead.
/// </summary>
internal static class BackupCommand
{
    /// <summary>Exit codes: 0 written, 1 the backup failed, 2 it was refused before anything was written.</summary>
    public static async Task<int> RunAsync(Database database, string target, bool force, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        switch (database.Provider)
        {
            case DatabaseProvider.PostgreSql:
                error.WriteLine("error: backup copies SQLite databases only; back up PostgreSQL with its own tools, e.g. pg_dump --format=custom --file=proposals.dump <database> (restore with pg_restore)");
                return 2;
            case DatabaseProvider.SqlServer:
                error.WriteLine("error: backup copies SQLite databases only; back up SQL Server with its own tools, e.g. BACKUP DATABASE [Proposals] TO DISK = N'D:\\Backups\\proposals.bak' WITH CHECKSUM (or a maintenance plan)");
                return 2;
        }
        var source = new SqliteConnectionStringBuilder(database.ConnectionString);
        var sourceFile = Path.GetFullPath(source.DataSource);
        var targetFile = Path.GetFullPath(target);
        if (!File.Exists(sourceFile))
        {
            error.WriteLine($"error: there is no database at {sourceFile} (check ConnectionStrings:Proposals); nothing was written");
            return 2;
        }
        if (string.Equals(sourceFile, targetFile, StringComparison.Ordinal))
        {
            error.WriteLine($"error: {targetFile} is the database itself; name another file");
            return 2;
        }
        if (Directory.Exists(targetFile))
        {
            error.WriteLine($"error: {targetFile} is a folder; name the backup file, as in {Path.Combine(targetFile, "proposals-backup.db")}");
            return 2;
        }
        if (File.Exists(targetFile) && !force)
        {
            error.WriteLine($"error: {targetFile} already exists; name a new file, or add --force to replace it");
            return 2;
        }
        var folder = Path.GetDirectoryName(targetFile)!;
        if (!Directory.Exists(folder))
        {
            error.WriteLine($"error: the folder {folder} does not exist; nothing was written");
            return 2;
        }
        var partial = Path.Combine(folder, $".{Path.GetFileName(targetFile)}.{Guid.NewGuid():N}.partial");
        try
        {
            // Creating the file first tells an unwritable place apart from a failing backup.
            await using (File.Create(partial))
            {
            }
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            error.WriteLine($"error: cannot write in {folder}: {ex.Message}; nothing was written");
            return 2;
        }
        try
        {
            // ReadWrite, not ReadWriteCreate: a wrong path must not leave an empty database behind. No pooling, so that
            // the copy's file is closed before it is moved.
            await using (var from = new SqliteConnection(new SqliteConnectionStringBuilder(source.ConnectionString) { Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ConnectionString))
            await using (var to = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = partial, Pooling = false }.ConnectionString))
            {
                await from.OpenAsync(cancellationToken);
                await to.OpenAsync(cancellationToken);
                // All pages in one step, under one read transaction: writers in WAL mode go on, and the copy is one moment's database.
                from.BackupDatabase(to);
                await using var check = to.CreateCommand();
                // One self-contained file, readable from a read-only place; the service turns WAL back on when it opens a restored copy.
                check.CommandText = "PRAGMA journal_mode = DELETE";
                await check.ExecuteNonQueryAsync(cancellationToken);
                check.CommandText = "PRAGMA quick_check";
                var verdict = (string?)await check.ExecuteScalarAsync(cancellationToken);
                if (verdict != "ok")
                {
                    throw new InvalidOperationException($"the copy does not pass PRAGMA quick_check: {verdict}");
                }
            }
            File.Move(partial, targetFile, overwrite: force);
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            File.Delete(partial);
            error.WriteLine($"error: the backup of {sourceFile} failed: {ex.Message}; nothing was written");
            return 1;
        }
        output.WriteLine($"Backed up {sourceFile} to {targetFile} ({new FileInfo(targetFile).Length:N0} bytes).");
        return 0;
    }
}
