using Proposals.Data;
using Proposals.Data.Calendar;
using Proposals.Data.Migrations;
using Proposals.Engine.Calendar;
using Proposals.Host.Demo;
using Proposals.Host.Workflows;

namespace Proposals.Host.Startup;

/// <summary>
/// The command line: <c>run</c> (the default), <c>migrate [--script [file] | --check]</c>, <c>check-workflows [folder]</c>, <c>seed-demo</c>,
/// <c>import-calendar file</c>, <c>verify-history</c>, <c>purge</c>, <c>unlock-user name</c> and <c>backup file [--force]</c>,
/// with <c>--demo</c> and the usual ASP.NET Core settings (<c>--urls</c>, <c>--Section:Key value</c>).
/// </summary>
internal sealed record CommandLine(string Command, bool Demo, string? Target, string[] HostArgs, string? Error, MigrateMode Mode = MigrateMode.Apply, bool Force = false)
{
    /// <summary><c>migrate --check</c>: scripts are pending.</summary>
    public const int Pending = 1;

    /// <summary><c>migrate --check</c>: the database could not be read.</summary>
    public const int CouldNotCheck = 3;

    public const string Usage = """
        Usage: Proposals.Host [command] [options]

        Commands:
          run                      serve the API (the default)
          migrate                  bring the database up to date and exit
          migrate --script [file]  write the pending migrations as one script for a DBA to run (default: to the output);
                                   changes nothing
          migrate --check          list the pending migrations; exit 0 when none, 1 when some, 3 when the database
                                   could not be read
          check-workflows [folder] validate the workflow definitions without starting (default: ./workflows)
          seed-demo                migrate, load the demo city and print its users, then exit
          import-calendar <file>   load a year's holidays and make-up working days (see db/calendars/)
          purge                    delete once what the daily purge job deletes (expired tokens, old idempotency keys, read
                                   notifications, delivered outbox rows, spent sign-in counts; see Retention:*) and print it
          verify-history           recompute every item's audit hash chain and name the first event that does not match
                                   (exit 0 intact, 1 a mismatch, 3 the database could not be checked)
          unlock-user <name>       end every lockout of a user's sign-in, from every address (exit 0 done, 1 no such user)
          backup <file> [--force]  copy the SQLite database to a new file while the service runs (--force replaces
                                   an existing file); PostgreSQL and SQL Server are backed up with their own tools

        Options:
          --demo                   load the demo city at start and print its users
          --urls <urls>            where to listen (default http://127.0.0.1:5080)
          --Database:Provider <p>  Sqlite (default), PostgreSql or SqlServer
          --ConnectionStrings:Proposals <connection string>
          --Database:MigrateOnStart false
                                   never change the schema (a DBA runs `migrate --script`'s output); refuse to start on a
                                   database that is behind
          --help                   show this text
        """;

    private static readonly string[] Commands = ["run", "migrate", "check-workflows", "seed-demo", "import-calendar", "verify-history", "unlock-user", "backup", "purge"];

    private static readonly string[] ValueOptions = ["--urls", "--environment", "--contentRoot", "--applicationName"];

    public static CommandLine Parse(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var command = "run";
        var demo = false;
        var force = false;
        string? target = null;
        var mode = MigrateMode.Apply;
        var hostArgs = new List<string>();
        var index = 0;
        if (args.Length > 0 && !args[0].StartsWith('-'))
        {
            command = args[0];
            index = 1;
            if (!Commands.Contains(command))
            {
                return Fail($"unknown command '{command}'");
            }
            if (command is "check-workflows" or "import-calendar" or "unlock-user" or "backup" && args.Length > 1 && !args[1].StartsWith('-'))
            {
                target = args[1];
                index = 2;
            }
            else if (command == "import-calendar")
            {
                return Fail("import-calendar needs the calendar file, as in: import-calendar db/calendars/cn-2026.csv");
            }
            else if (command == "backup")
            {
                return Fail("backup needs the file to write, as in: backup /var/backups/proposals/proposals-2026-12-01.db");
            }
            if (command == "unlock-user" && string.IsNullOrWhiteSpace(target))
            {
                return Fail("unlock-user needs the user name, as in: unlock-user admin");
            }
        }
        for (; index < args.Length; index++)
        {
            var arg = args[index];
            if (arg is "--demo")
            {
                demo = true;
                continue;
            }
            if (arg is "--force" && command == "backup")
            {
                force = true;
                continue;
            }
            if (command == "migrate" && arg is "--script" or "--check")
            {
                if (mode != MigrateMode.Apply)
                {
                    return Fail("migrate takes one of --script and --check, not both");
                }
                mode = arg == "--script" ? MigrateMode.Script : MigrateMode.Check;
                if (mode == MigrateMode.Script && index + 1 < args.Length && !args[index + 1].StartsWith('-'))
                {
                    target = args[++index];
                    if (ScriptFileProblem(target) is { } problem)
                    {
                        return Fail(problem);
                    }
                }
                continue;
            }
            if (arg is "--help" or "-h")
            {
                return new CommandLine("help", false, null, [], null);
            }
            var name = arg.Split('=', 2)[0];
            // Configuration may also be given as --Section:Key value or --Key=value, as ASP.NET Core reads it.
            var known = ValueOptions.Contains(name, StringComparer.OrdinalIgnoreCase)
                || (name.StartsWith("--", StringComparison.Ordinal) && name.Length > 2 && (name.Contains(':', StringComparison.Ordinal) || arg.Contains('=', StringComparison.Ordinal)));
            if (!known)
            {
                return Fail(arg.StartsWith('-') ? $"unknown option '{arg}'" : $"unexpected argument '{arg}'");
            }
            hostArgs.Add(arg);
            if (!arg.Contains('=', StringComparison.Ordinal))
            {
                if (index + 1 >= args.Length || args[index + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    return Fail($"option '{arg}' needs a value");
                }
                hostArgs.Add(args[++index]);
            }
        }
        if (demo)
        {
            hostArgs.Add("--Proposals:Demo=true");
        }
        return new CommandLine(command, demo, target, hostArgs.ToArray(), null, mode, force);

        static CommandLine Fail(string error) => new("error", false, null, [], error);
    }

    // Found before the database is read, so that a typo in the path neither connects nor writes anything.
    private static string? ScriptFileProblem(string file)
    {
        string path;
        try
        {
            path = Path.GetFullPath(file);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return $"cannot write the script to '{file}': {ex.Message}";
        }
        if (Directory.Exists(path))
        {
            return $"cannot write the script to '{file}': it is a folder; name a file";
        }
        var folder = Path.GetDirectoryName(path);
        return folder is not null && !Directory.Exists(folder) ? $"cannot write the script to '{file}': there is no folder {folder}" : null;
    }

    /// <summary>The commands that only read or change the database: they start no web server, no job storage and no jobs.</summary>
    public bool TouchesOnlyTheDatabase => Command is "migrate" or "import-calendar" or "verify-history" or "unlock-user" or "backup" or "purge";

    /// <summary>Runs a command of <see cref="TouchesOnlyTheDatabase"/> with nothing but the database; returns the exit code.</summary>
    public async Task<int> RunOnDatabaseAsync(IConfiguration configuration, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (DatabaseSettings.TryRead(configuration, error) is not { } settings)
        {
            return 1;
        }
        var database = settings.Open();
        switch (Command)
        {
            case "migrate" when Mode == MigrateMode.Check:
                var pending = DatabaseMigrator.Pending(database);
                if (!pending.Successful)
                {
                    error.WriteLine($"error: {pending.Error}");
                    return CouldNotCheck;
                }
                if (pending.Scripts.Count == 0)
                {
                    output.WriteLine("The database is up to date.");
                    return 0;
                }
                output.WriteLine($"{pending.Scripts.Count} migration script(s) pending:");
                foreach (var script in pending.Scripts)
                {
                    output.WriteLine($"  {DatabaseMigrator.ShortName(script)}");
                }
                return Pending;
            case "migrate" when Mode == MigrateMode.Script:
                var toWrite = DatabaseMigrator.Pending(database);
                if (!toWrite.Successful)
                {
                    error.WriteLine($"error: {toWrite.Error}");
                    return 1;
                }
                var text = MigrationScript.For(database.Provider, toWrite.Scripts) + Jobs.JobSchemaScript.For(database.Provider);
                if (Target is null)
                {
                    output.Write(text);
                    return 0;
                }
                try
                {
                    await File.WriteAllTextAsync(Target, text);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    error.WriteLine($"error: cannot write the script to '{Target}': {ex.Message}");
                    return 2;
                }
                output.WriteLine(toWrite.Scripts.Count == 0
                    ? $"The database is up to date; {Target} records nothing to run."
                    : $"Wrote {toWrite.Scripts.Count} pending migration script(s) to {Target}: {string.Join(", ", toWrite.Scripts.Select(DatabaseMigrator.ShortName))}.");
                return 0;
            case "migrate":
                var outcome = DatabaseMigrator.Migrate(database, output.WriteLine);
                if (!outcome.Successful)
                {
                    error.WriteLine($"error: {outcome.Error}");
                    return 1;
                }
                output.WriteLine(outcome.ScriptsApplied.Count == 0 ? "The database is up to date." : $"Applied {outcome.ScriptsApplied.Count} script(s).");
                return 0;
            case "import-calendar":
                if (!File.Exists(Target))
                {
                    error.WriteLine($"error: no calendar file at {Target}");
                    return 1;
                }
                var parsed = CalendarFile.Parse(Path.GetFileName(Target!), await File.ReadAllTextAsync(Target!));
                if (!parsed.IsValid)
                {
                    foreach (var problem in parsed.Errors)
                    {
                        error.WriteLine(problem);
                    }
                    error.WriteLine("error: nothing was imported");
                    return 1;
                }
                var migrated = DatabaseMigrator.Prepare(database, settings.MigrateOnStart);
                if (!migrated.Successful)
                {
                    error.WriteLine($"error: {migrated.Error}");
                    return 1;
                }
                var recomputed = await Calendar.CalendarImportCommand.ImportAsync(database, configuration, parsed.Days, CancellationToken.None);
                var summary = Calendar.CalendarApi.Summary(parsed.Days, dryRun: false);
                output.WriteLine($"Imported {summary.Days} day(s) from {summary.From:yyyy-MM-dd} to {summary.To:yyyy-MM-dd}: {summary.Holidays} holiday(s), {summary.Workdays} make-up working day(s).");
                output.WriteLine($"Recomputed the open deadlines of {recomputed} item(s) in {string.Join(", ", parsed.Days.Select(d => d.Date.Year).Distinct().Order())}.");
                return 0;
            case "purge":
                return await Retention.PurgeCommand.RunAsync(database, configuration, settings.MigrateOnStart, output, error, CancellationToken.None);
            case "backup":
                return await Backup.BackupCommand.RunAsync(database, Target!, Force, output, error, CancellationToken.None);
            case "unlock-user":
                return await Auth.UnlockUserCommand.RunAsync(database, Target!, settings.MigrateOnStart, output, error, CancellationToken.None);
            default:
                return await History.VerifyHistoryCommand.RunAsync(database, TimeProvider.System, settings.MigrateOnStart, output, error, CancellationToken.None);
        }
    }

    /// <summary>Runs a command that does not serve; returns the process exit code, or null to go on and serve.</summary>
    public int? RunBeforeHost(TextWriter output, TextWriter error)
    {
        switch (Command)
        {
            case "error":
                error.WriteLine($"error: {Error}");
                error.WriteLine(Usage);
                return 2;
            case "help":
                output.WriteLine(Usage);
                return 0;
            case "check-workflows":
                var target = Path.GetFullPath(Target ?? "workflows");
                var files = WorkflowFiles.Read(target);
                foreach (var problem in files.Errors)
                {
                    error.WriteLine(problem);
                }
                foreach (var definition in files.Definitions)
                {
                    output.WriteLine($"ok: {definition.Id} v{definition.Version} ({definition.States.Count} states, {definition.Actions.Count} actions, {definition.Tasks.Count} tasks)");
                }
                return files.Errors.Count == 0 ? 0 : 1;
            default:
                return null;
        }
    }

    /// <summary>Runs a command that needs the configured services; returns the exit code.</summary>
    public async Task<int> RunAsync(WebApplication app, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(app);
        try
        {
            switch (Command)
            {
                case "seed-demo":
                    var startup = app.Services.GetServices<IHostedService>().OfType<DatabaseStartup>().Single();
                    await startup.StartAsync(CancellationToken.None);
                    var password = DatabaseStartup.DemoPassword(app.Configuration);
                    await app.Services.GetRequiredService<DemoCity>().SeedAsync(password, CancellationToken.None);
                    output.WriteLine(DemoCity.Describe(password));
                    return 0;
                default:
                    if (Demo)
                    {
                        output.WriteLine("Starting with the demo city; the demo users are printed once the database is ready.");
                    }
                    await app.RunAsync();
                    return 0;
            }
        }
        catch (StartupRefusedException ex)
        {
            error.WriteLine($"error: {ex.Message}");
            return 1;
        }
    }
}

/// <summary>What <c>migrate</c> does: apply the pending scripts, write them as one script, or only say whether any are pending.</summary>
internal enum MigrateMode
{
    Apply,
    Script,
    Check,
}
