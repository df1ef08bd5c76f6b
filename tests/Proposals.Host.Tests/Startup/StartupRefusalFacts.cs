using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Startup;

/// <summary>The real program, started as a process with a configuration that cannot work: it says what to fix and exits.</summary>
public sealed class StartupRefusalFacts
{
    private static (int ExitCode, string Error) Run(params string[] args)
    {
        var exit = HostProgram.Run(args);
        return (exit.Code, exit.Text);
    }

    [Fact]
    public void An_unknown_database_provider_is_refused_with_the_choices()
    {
        var (exitCode, error) = Run("--Database:Provider", "Oracle", "--urls", "http://127.0.0.1:0");
        Assert.Equal(1, exitCode);
        Assert.Contains("Database:Provider is 'Oracle'; it must be one of Sqlite, PostgreSql, SqlServer", error);
    }

    [Fact]
    public void An_unreachable_database_server_is_refused_with_what_to_check()
    {
        var (exitCode, error) = Run("migrate", "--Database:Provider", "PostgreSql", "--ConnectionStrings:Proposals", "Host=127.0.0.1;Port=1;Username=x;Password=y;Database=z;Timeout=3");
        Assert.Equal(1, exitCode);
        Assert.Contains("cannot reach the PostgreSql database", error);
        Assert.Contains("check ConnectionStrings:Proposals", error);
    }

    [Fact]
    public void A_malformed_connection_string_is_refused()
    {
        var (exitCode, error) = Run("migrate", "--ConnectionStrings:Proposals", "Data Sourse=typo.db");
        Assert.Equal(1, exitCode);
        Assert.Contains("ConnectionStrings:Proposals is not a valid Sqlite connection string", error);
    }

    [Fact]
    public void A_malformed_postgresql_connection_string_is_refused()
    {
        var (exitCode, error) = Run("migrate", "--Database:Provider", "PostgreSql", "--ConnectionStrings:Proposals", "Hots=127.0.0.1;Databse=x");
        Assert.Equal(1, exitCode);
        Assert.Contains("ConnectionStrings:Proposals is not a valid PostgreSql connection string", error);
    }
}
