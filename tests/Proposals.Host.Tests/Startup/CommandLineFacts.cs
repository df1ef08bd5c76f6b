using System.Text.Json.Nodes;
using Proposals.Host.Startup;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Startup;

public sealed class CommandLineFacts
{
    [Theory]
    [InlineData(new[] { "serve" }, "unknown command 'serve'")]
    [InlineData(new[] { "--deom" }, "unknown option '--deom'")]
    [InlineData(new[] { "--urls" }, "option '--urls' needs a value")]
    [InlineData(new[] { "run", "extra" }, "unexpected argument 'extra'")]
    [InlineData(new[] { "--ConnectionStrings:Proposals", "--demo" }, "needs a value")]
    [InlineData(new[] { "import-calendar" }, "import-calendar needs the calendar file")]
    [InlineData(new[] { "verify-history", "extra" }, "unexpected argument 'extra'")]
    [InlineData(new[] { "migrate", "--force" }, "unknown option '--force'")]
    [InlineData(new[] { "migrate", "--script", "--check" }, "migrate takes one of --script and --check, not both")]
    [InlineData(new[] { "migrate", "--check", "pending.txt" }, "unexpected argument 'pending.txt'")]
    [InlineData(new[] { "migrate", "--script", "/no/such/folder/migrations.sql" }, "cannot write the script to '/no/such/folder/migrations.sql': there is no folder")]
    [InlineData(new[] { "run", "--check" }, "unknown option '--check'")]
    [InlineData(new[] { "verify-history", "--script" }, "unknown option '--script'")]
    [InlineData(new[] { "unlock-user" }, "unlock-user needs the user name")]
    [InlineData(new[] { "unlock-user", " " }, "unlock-user needs the user name")]
    [InlineData(new[] { "unlock-user", "--Database:Provider", "Sqlite" }, "unlock-user needs the user name")]
    [InlineData(new[] { "unlock-user", "admin", "extra" }, "unexpected argument 'extra'")]
    public void A_bad_argument_exits_with_2_and_says_what_is_wrong(string[] args, string expected)
    {
        var commandLine = CommandLine.Parse(args);
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(2, commandLine.RunBeforeHost(output, error));
        Assert.Contains(expected, error.ToString());
        Assert.Contains("Usage:", error.ToString());
    }

    [Fact]
    public void Migrate_script_to_a_folder_exits_with_2_and_writes_nothing()
    {
        var folder = Directory.CreateTempSubdirectory("proposals-script").FullName;
        try
        {
            using var output = new StringWriter();
            using var error = new StringWriter();

            Assert.Equal(2, CommandLine.Parse(["migrate", "--script", folder]).RunBeforeHost(output, error));

            Assert.Contains($"cannot write the script to '{folder}': it is a folder; name a file", error.ToString());
            Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData(new[] { "migrate" }, "Apply", null)]
    [InlineData(new[] { "migrate", "--script" }, "Script", null)]
    [InlineData(new[] { "migrate", "--script", "out.sql", "--Database:Provider", "SqlServer" }, "Script", "out.sql")]
    [InlineData(new[] { "migrate", "--Database:Provider", "SqlServer", "--check" }, "Check", null)]
    public void Migrate_reads_its_mode_and_only_database_commands_start_without_the_host(string[] args, string mode, string? target)
    {
        var commandLine = CommandLine.Parse(args);

        Assert.Null(commandLine.Error);
        Assert.Equal((mode, target), (commandLine.Mode.ToString(), commandLine.Target));
        Assert.True(commandLine.TouchesOnlyTheDatabase);
        Assert.False(CommandLine.Parse(["seed-demo"]).TouchesOnlyTheDatabase);
        Assert.False(CommandLine.Parse([]).TouchesOnlyTheDatabase);
    }

    [Fact]
    public void Known_arguments_pass_through_to_the_host_and_demo_becomes_configuration()
    {
        var commandLine = CommandLine.Parse(["--demo", "--urls", "http://127.0.0.1:6000", "--Database:Provider", "Sqlite", "--Proposals:TimeZone=Asia/Shanghai"]);
        Assert.Null(commandLine.Error);
        Assert.Equal("run", commandLine.Command);
        Assert.True(commandLine.Demo);
        Assert.Equal(["--urls", "http://127.0.0.1:6000", "--Database:Provider", "Sqlite", "--Proposals:TimeZone=Asia/Shanghai", "--Proposals:Demo=true"], commandLine.HostArgs);
    }

    [Fact]
    public void Verify_history_is_a_command_that_runs_with_the_host_services()
    {
        var commandLine = CommandLine.Parse(["verify-history", "--Database:Provider", "Sqlite"]);
        Assert.Equal(("verify-history", null), (commandLine.Command, commandLine.Error));
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Null(commandLine.RunBeforeHost(output, error));
        Assert.Contains("verify-history", CommandLine.Usage);
    }

    [Fact]
    public void Unlock_user_is_a_command_that_takes_the_user_name_and_runs_with_the_host_services()
    {
        var commandLine = CommandLine.Parse(["unlock-user", "admin", "--Database:Provider", "Sqlite"]);
        Assert.Equal(("unlock-user", "admin", null), (commandLine.Command, commandLine.Target, commandLine.Error));
        Assert.Equal(["--Database:Provider", "Sqlite"], commandLine.HostArgs);
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Null(commandLine.RunBeforeHost(output, error));
        Assert.Contains("unlock-user <name>", CommandLine.Usage);
    }

    [Fact]
    public void Check_workflows_passes_on_the_shipped_folder()
    {
        var commandLine = CommandLine.Parse(["check-workflows", RepositoryPaths.Workflows]);
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(0, commandLine.RunBeforeHost(output, error));
        Assert.Contains("ok: proposal-chain v1", output.ToString());
        Assert.Equal("", error.ToString());
    }

    [Fact]
    public void Check_workflows_fails_on_a_bad_file_and_names_it()
    {
        var folder = Path.Combine(Path.GetTempPath(), "proposals-check", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var definition = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Workflows, "proposal-chain.json")))!.AsObject();
            definition["actions"]![0]!["roles"] = new JsonArray();
            File.WriteAllText(Path.Combine(folder, "broken.json"), definition.ToJsonString());
            using var output = new StringWriter();
            using var error = new StringWriter();
            Assert.Equal(1, CommandLine.Parse(["check-workflows", folder]).RunBeforeHost(output, error));
            Assert.Contains("broken.json: $.actions[0].roles: an action needs at least one role", error.ToString());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Check_workflows_on_a_missing_folder_fails()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(1, CommandLine.Parse(["check-workflows", "/no/such/folder"]).RunBeforeHost(output, error));
        Assert.Contains("does not exist", error.ToString());
    }
}
