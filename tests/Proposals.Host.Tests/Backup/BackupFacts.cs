using Dapper;
using Microsoft.Data.Sqlite;
using Proposals.Data;
using Proposals.Data.Migrations;
using Proposals.Host.Backup;
using Proposals.Host.Startup;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Backup;

/// <summary>The backup command: a consistent copy of a SQLite database in use, and clear refusals that write nothing.</summary>
public sealed class BackupFacts : IDisposable
{
    private readonly SqliteTestDatabase _database = new();
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "proposals-backups", Guid.NewGuid().ToString("N"));

    public BackupFacts() => Directory.CreateDirectory(_folder);

    public void Dispose()
    {
        _database.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private Database Migrated()
    {
        var database = _database.Open();
        Assert.True(DatabaseMigrator.Migrate(database).Successful);
        return database;
    }

    private static SqliteConnection OpenCopy(string file)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ConnectionString);
        connection.Open();
        return connection;
    }

    private static async Task<(int ExitCode, string Output, string Error)> BackupAsync(Database database, string target, bool force = false)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await BackupCommand.RunAsync(database, target, force, output, error, CancellationToken.None);
        return (exitCode, output.ToString(), error.ToString());
    }

    private string[] FilesInFolder() => Directory.GetFiles(_folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [Fact]
    public async Task A_backup_taken_while_another_connection_writes_opens_and_holds_whole_transactions()
    {
        var database = Migrated();
        await using (var setup = await database.OpenAsync(CancellationToken.None))
        {
            await setup.ExecuteAsync("CREATE TABLE backup_probe (id INTEGER PRIMARY KEY, pair INTEGER NOT NULL)");
        }
        var enoughWritten = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var pairs = 0;
        // Each transaction writes two rows: a copy that caught one half of a transaction would hold an odd number.
        var writer = Task.Run(async () =>
        {
            await using var connection = await database.OpenAsync(CancellationToken.None);
            while (!stop.IsCancellationRequested)
            {
                await using var transaction = await connection.BeginTransactionAsync();
                await connection.ExecuteAsync("INSERT INTO backup_probe (pair) VALUES (@pair), (@pair)", new { pair = pairs }, transaction);
                await transaction.CommitAsync();
                if (++pairs == 200)
                {
                    enoughWritten.SetResult();
                }
            }
        });
        await enoughWritten.Task.WaitAsync(TimeSpan.FromMinutes(2));
        var target = Path.Combine(_folder, "proposals-backup.db");

        var (exitCode, output, error) = await BackupAsync(database, target);
        var writtenBefore = pairs;
        await stop.CancelAsync();
        await writer;

        Assert.True(exitCode == 0, error);
        Assert.Contains($"to {target}", output, StringComparison.Ordinal);
        Assert.Equal(["proposals-backup.db"], FilesInFolder());
        using var copy = OpenCopy(target);
        Assert.Equal("ok", copy.ExecuteScalar<string>("PRAGMA integrity_check"));
        var rows = copy.ExecuteScalar<long>("SELECT COUNT(*) FROM backup_probe");
        Assert.True(rows >= 400, $"the copy has {rows} rows; 400 were committed before it was taken");
        Assert.Equal(0, rows % 2);
        Assert.Equal(rows, copy.ExecuteScalar<long>("SELECT MAX(id) FROM backup_probe"));
        Assert.True(rows <= 2L * pairs && pairs >= writtenBefore, "the writer went on while the copy was taken");
        Assert.Equal(_database.Scalar<long>("SELECT COUNT(*) FROM schemaversions"), copy.ExecuteScalar<long>("SELECT COUNT(*) FROM schemaversions"));
    }

    [Fact]
    public async Task An_existing_file_is_kept_unless_force_is_given()
    {
        var database = Migrated();
        var target = Path.Combine(_folder, "proposals-backup.db");
        await File.WriteAllTextAsync(target, "last week's backup");

        var (exitCode, _, error) = await BackupAsync(database, target);

        Assert.Equal(2, exitCode);
        Assert.Contains($"{target} already exists; name a new file, or add --force to replace it", error, StringComparison.Ordinal);
        Assert.Equal("last week's backup", await File.ReadAllTextAsync(target));
        Assert.Equal(["proposals-backup.db"], FilesInFolder());

        Assert.Equal(0, (await BackupAsync(database, target, force: true)).ExitCode);
        using var copy = OpenCopy(target);
        Assert.Equal("ok", copy.ExecuteScalar<string>("PRAGMA quick_check"));
    }

    [Fact]
    public async Task A_place_that_cannot_be_written_is_refused_and_nothing_is_written()
    {
        var database = Migrated();
        var missingFolder = Path.Combine(_folder, "no-such-folder", "backup.db");
        var (exitCode, _, error) = await BackupAsync(database, missingFolder);
        Assert.Equal(2, exitCode);
        Assert.Contains($"the folder {Path.GetDirectoryName(missingFolder)} does not exist", error, StringComparison.Ordinal);

        // /proc takes no new files, not even from root.
        (exitCode, _, error) = await BackupAsync(database, "/proc/proposals-backup.db");
        Assert.Equal(2, exitCode);
        Assert.Contains("cannot write in /proc", error, StringComparison.Ordinal);

        (exitCode, _, error) = await BackupAsync(database, _folder);
        Assert.Equal(2, exitCode);
        Assert.Contains("is a folder; name the backup file", error, StringComparison.Ordinal);

        (exitCode, _, error) = await BackupAsync(database, new SqliteConnectionStringBuilder(database.ConnectionString).DataSource);
        Assert.Equal(2, exitCode);
        Assert.Contains("is the database itself", error, StringComparison.Ordinal);
        Assert.Empty(FilesInFolder());
    }

    [Fact]
    public async Task A_missing_database_is_not_created_by_the_backup()
    {
        var missing = Path.Combine(_folder, "nothing-here.db");
        var (exitCode, _, error) = await BackupAsync(new Database(DatabaseProvider.Sqlite, $"Data Source={missing}"), Path.Combine(_folder, "backup.db"));
        Assert.Equal(2, exitCode);
        Assert.Contains($"there is no database at {missing}", error, StringComparison.Ordinal);
        Assert.Empty(FilesInFolder());
    }

    [Theory]
    [InlineData(DatabaseProvider.PostgreSql, "Host=127.0.0.1;Username=x;Password=y;Database=proposals", "pg_dump")]
    [InlineData(DatabaseProvider.SqlServer, "Server=.;Database=Proposals;Integrated Security=true;TrustServerCertificate=true", "BACKUP DATABASE")]
    public async Task PostgreSQL_and_SQL_Server_are_refused_naming_their_own_tools(DatabaseProvider provider, string connectionString, string tool)
    {
        var (exitCode, _, error) = await BackupAsync(new Database(provider, connectionString), Path.Combine(_folder, "backup.db"));
        Assert.Equal(2, exitCode);
        Assert.Contains("backup copies SQLite databases only", error, StringComparison.Ordinal);
        Assert.Contains(tool, error, StringComparison.Ordinal);
        Assert.Empty(FilesInFolder());
    }

    [Theory]
    [InlineData(new[] { "backup" }, "backup needs the file to write")]
    [InlineData(new[] { "backup", "--force" }, "backup needs the file to write")]
    [InlineData(new[] { "backup", "a.db", "b.db" }, "unexpected argument 'b.db'")]
    [InlineData(new[] { "migrate", "--force" }, "unknown option '--force'")]
    public void Bad_backup_arguments_exit_with_2_and_say_what_is_wrong(string[] args, string expected)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(2, CommandLine.Parse(args).RunBeforeHost(output, error));
        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_program_backs_up_its_configured_database_and_refuses_to_overwrite_it_the_next_time()
    {
        Migrated();
        var target = Path.Combine(_folder, "nightly.db");
        string[] args = ["backup", target, "--ConnectionStrings:Proposals", _database.ConnectionString];

        var first = Run(args);
        Assert.True(first.ExitCode == 0, first.Text);
        Assert.Contains($"to {target}", first.Text, StringComparison.Ordinal);
        var second = Run(args);
        Assert.Equal(2, second.ExitCode);
        Assert.Contains("already exists", second.Text, StringComparison.Ordinal);
        Assert.Equal(0, Run([.. args, "--force"]).ExitCode);
        using var copy = OpenCopy(target);
        Assert.True(copy.ExecuteScalar<long>("SELECT COUNT(*) FROM schemaversions") > 0);
    }

    private static (int ExitCode, string Text) Run(string[] args)
    {
        var exit = HostProgram.Run(args);
        return (exit.Code, exit.Text);
    }
}
