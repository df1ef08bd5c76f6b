using Proposals.Benchmarks;

namespace Proposals.Host.Tests.Benchmarks;

/// <summary>
/// The benchmark program runs, at tiny sizes, so that it cannot rot; what it measures is never asserted, since the
/// build machines are shared and their speed says nothing about the code.
/// </summary>
public sealed class BenchmarkSmokeFacts : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "proposals-benchmark-smoke", Guid.NewGuid().ToString("N"));
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();

    // No PostgreSQL, whatever the test run exports: the PostgreSQL rows must then say why they are empty.
    private static string? NoEnvironment(string name) => null;

    [Fact]
    public async Task Runs_every_benchmark_at_tiny_sizes_and_writes_the_table_as_Markdown_and_JSON()
    {
        var exit = await BenchmarkProgram.RunAsync(["--quick", "--scale", "0.02", "--out", _folder], _output, _error, NoEnvironment);

        Assert.True(exit == 0, $"exit {exit}\n{_error}\n{_output}");
        var markdown = await File.ReadAllTextAsync(Path.Combine(_folder, BenchmarkReport.MarkdownFile));
        Assert.Contains("| benchmark | database | figure | value | unit | baseline | baseline name | ratio |", markdown, StringComparison.Ordinal);
        var report = BenchmarkReport.Read(await File.ReadAllTextAsync(Path.Combine(_folder, BenchmarkReport.JsonFile)));
        Assert.NotNull(report);
        Assert.Equal(Environment.ProcessorCount, report.Machine.Cores);
        Assert.Contains("quick", report.Machine.Mode, StringComparison.Ordinal);
        var sqlite = report.Rows.Where(r => r.Database == "SQLite").ToList();
        Assert.Equal(["engine", "http", "dispatch", "queries", "memory"], new[] { "engine", "http", "dispatch", "queries", "memory" }.Where(b => sqlite.Any(r => r.Benchmark == b && r.Value is not null && r.Baseline is not null)));
        Assert.All(sqlite.Where(r => r.Value is null), r => Assert.Equal("pending: stats endpoint", r.Note));
        var postgres = report.Rows.Where(r => r.Database == "PostgreSQL").ToList();
        Assert.NotEmpty(postgres);
        Assert.All(postgres, r => Assert.Equal("skipped: no PostgreSQL", r.Note));
        Assert.Contains("skipped: no PostgreSQL", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_argument_it_does_not_know_is_refused_with_exit_code_2_and_the_reason_and_nothing_is_written()
    {
        var exit = await BenchmarkProgram.RunAsync(["--quick", "--fast", "--out", _folder], _output, _error, NoEnvironment);

        Assert.Equal(2, exit);
        Assert.Contains("error: unknown argument '--fast'", _error.ToString(), StringComparison.Ordinal);
        Assert.Contains("Usage:", _error.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(_folder));
    }

    [Theory]
    [InlineData("--scale", "0", "--scale: '0' is not a number above 0")]
    [InlineData("--only", "engine,speed", "--only: 'speed' is not a benchmark")]
    [InlineData("--out", null, "--out needs a value")]
    public async Task A_bad_value_is_refused_with_exit_code_2_naming_the_option(string option, string? value, string message)
    {
        var exit = await BenchmarkProgram.RunAsync(value is null ? [option] : [option, value], _output, _error, NoEnvironment);

        Assert.Equal(2, exit);
        Assert.Contains(message, _error.ToString(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _output.Dispose();
        _error.Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
