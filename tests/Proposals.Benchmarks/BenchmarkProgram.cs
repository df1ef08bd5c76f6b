using System.Diagnostics;

namespace Proposals.Benchmarks;

/// <summary>
/// The benchmark program of issue #8: figures beside baselines measured in the same run, on SQLite and on PostgreSQL
/// when a server is given, printed as a table and written as Markdown and JSON. Nothing here passes or fails on speed.
/// </summary>
public static class BenchmarkProgram
{
    public static Task<int> Main(string[] args) => RunAsync(args, Console.Out, Console.Error);

    /// <summary>Runs the benchmarks the arguments name; 0 when the results were written, 2 for arguments it cannot read.</summary>
    /// <param name="environment">Where environment variables are read; tests pass their own.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, Func<string, string?>? environment = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var (options, problem) = BenchmarkOptions.Parse(args, environment ?? Environment.GetEnvironmentVariable);
        if (problem is not null)
        {
            await error.WriteLineAsync($"error: {problem}\n\n{BenchmarkOptions.Usage}");
            return 2;
        }
        if (options is null)
        {
            await output.WriteLineAsync(BenchmarkOptions.Usage);
            return 0;
        }
        var started = Stopwatch.GetTimestamp();
        var targets = new[] { DatabaseTarget.Sqlite(), DatabaseTarget.Postgres(options.Postgres) };
        var rows = new List<ResultRow>();
        foreach (var target in targets)
        {
            rows.AddRange(await RunOnAsync(target, options, output, cancellationToken));
        }
        var report = new BenchmarkReport(MachineInfo.Describe(targets.ToDictionary(t => t.Name, t => t.Version), options.Mode, DateTimeOffset.UtcNow), rows);
        await report.WriteAsync(options.OutputFolder, cancellationToken);
        await output.WriteLineAsync();
        await output.WriteLineAsync(report.ToTable());
        await output.WriteLineAsync($"{rows.Count} rows in {Stopwatch.GetElapsedTime(started).TotalSeconds:0} s; written to {Path.GetFullPath(Path.Combine(options.OutputFolder, BenchmarkReport.MarkdownFile))} and {BenchmarkReport.JsonFile}");
        return 0;
    }

    private static async Task<IReadOnlyList<ResultRow>> RunOnAsync(DatabaseTarget target, BenchmarkOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        var rows = new List<ResultRow>();
        if (target.Unavailable is { } note)
        {
            await output.WriteLineAsync($"{target.Name}: {note}");
            if (options.Runs(BenchmarkKind.Engine))
            {
                rows.AddRange(EngineBenchmark.Skipped(target.Name, note));
            }
            rows.AddRange(HttpBenchmark.Skipped(options, target.Name, note));
            if (options.Runs(BenchmarkKind.Dispatch))
            {
                rows.AddRange(DispatchBenchmark.Skipped(options, target.Provider, target.Name, note));
            }
            if (options.Runs(BenchmarkKind.Queries))
            {
                rows.AddRange(QueryBenchmark.Skipped(options, target.Name, note));
            }
            return rows;
        }
        // HTTP first, while the process is young, so that the idle working set is the host's rather than what earlier benchmarks left.
        var steps = new (bool Runs, string What, Func<BenchmarkDatabase, Task<IReadOnlyList<ResultRow>>> Run)[]
        {
            (options.Runs(BenchmarkKind.Http) || options.Runs(BenchmarkKind.Memory), "HTTP load on 127.0.0.1", database => new HttpBenchmark(options).RunAsync(database, target.Name, cancellationToken)),
            (options.Runs(BenchmarkKind.Engine), "engine transitions", database => new EngineBenchmark(options).RunAsync(database, target.Name, cancellationToken)),
            (options.Runs(BenchmarkKind.Dispatch), "reminder dispatch", database => new DispatchBenchmark(options).RunAsync(database, target.Name, cancellationToken)),
            (options.Runs(BenchmarkKind.Queries), "queries at scale", database => new QueryBenchmark(options, output).RunAsync(database, target.Name, cancellationToken)),
        };
        foreach (var (_, what, run) in steps.Where(s => s.Runs))
        {
            await output.WriteLineAsync($"{target.Name}: {what} …");
            using var database = target.Create(options.Keep);
            rows.AddRange(await run(database));
        }
        return rows;
    }
}
