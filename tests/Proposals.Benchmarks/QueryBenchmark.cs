using System.Diagnostics;
using Proposals.Data;
using Proposals.Data.Proposals;
using Proposals.Data.Statistics;
using Proposals.Host.Auth;
using Proposals.Host.Inbox;
using Proposals.Host.Proposals;
using Proposals.Host.Statistics;
using Proposals.Host.Supervision;

namespace Proposals.Benchmarks;

/// <summary>
/// Issue #8, item 4: the pages people open most, on a city of many years of proposals, through the code the
/// endpoints run; beside reading one proposal by its id on the same database, the floor of any query.
/// </summary>
internal sealed class QueryBenchmark(BenchmarkOptions options, TextWriter progress)
{
    private const string Name = "queries";
    private const string BaselineName = "one proposal by id (ProposalStore.FindAsync)";

    private static readonly string[] Figures =
    [
        "supervision overdue, all items (SupervisionApi.LoadAsync → TasksDueBeforeAsync)",
        "a department's inbox (InboxApi.LoadAsync)",
        "a party's list page, 20 of its items (ProposalStore.ListAsync)",
        "yearly statistics (GET /api/stats?year=)",
    ];

    public async Task<IReadOnlyList<ResultRow>> RunAsync(BenchmarkDatabase database, string databaseName, CancellationToken cancellationToken)
    {
        await using var host = new BenchmarkHost(database);
        var generator = await CityGenerator.CreateAsync(host, cancellationToken);
        var count = options.Sized(20_000, 1_000_000);
        var loading = Stopwatch.StartNew();
        await generator.AddProposalsAsync(count, cancellationToken);
        await progress.WriteLineAsync($"  {count:#,0} proposals generated and loaded in {loading.Elapsed.TotalSeconds:0.0} s");

        var proposals = host.Get<ProposalStore>();
        var notifications = host.Get<NotificationStore>();
        var contexts = host.Get<EngineContextFactory>();
        var supervisor = await host.CallerAsync("dcs.supervisor", cancellationToken);
        var department = await host.CallerAsync("fgj.handler", cancellationToken);
        var party = await host.CallerAsync("minmeng.admin", cancellationToken);
        var committee = await host.CallerAsync("tzb.admin", cancellationToken);
        var times = options.Sized(20, 50);
        var someId = Math.Max(1, count / 2);

        var baseline = await Load.RepeatAsync(times, () => proposals.FindAsync(someId, Viewer.Service, cancellationToken));
        var queries = new Func<Task>[]
        {
            () => SupervisionApi.LoadAsync(supervisor, 7, proposals, contexts, cancellationToken),
            () => InboxApi.LoadAsync(department, proposals, notifications, contexts, cancellationToken),
            () => proposals.ListAsync(party.Viewer, new ProposalQuery(), DateTimeOffset.UtcNow, cancellationToken),
            YearlyStatistics(host, committee, DateTimeOffset.UtcNow.Year, cancellationToken),
        };
        var rows = new List<ResultRow>();
        for (var i = 0; i < Figures.Length; i++)
        {
            rows.AddRange(Rows(databaseName, count, Figures[i], await Load.RepeatAsync(times, queries[i]), baseline, null));
        }
        return rows;
    }

    /// <summary>The yearly statistics for <paramref name="year"/> as the committee sees them, through the code GET /api/stats runs.</summary>
    private static Func<Task> YearlyStatistics(BenchmarkHost host, Caller committee, int year, CancellationToken cancellationToken)
    {
        var store = host.Get<StatisticsStore>();
        var contexts = host.Get<EngineContextFactory>();
        var yearText = year.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return async () =>
        {
            var (_, problem) = await StatisticsApi.ForCallerAsync(committee, yearText, null, null, store, contexts, cancellationToken);
            if (problem is not null)
            {
                throw new InvalidOperationException($"The statistics refused the benchmark's query: {problem.ProblemDetails.Detail}");
            }
        };
    }

    public static IEnumerable<ResultRow> Skipped(BenchmarkOptions options, string database, string note)
    {
        var count = options.Sized(20_000, 1_000_000);
        return Figures.SelectMany(figure => Rows(database, count, figure, null, null, note));
    }

    private static IEnumerable<ResultRow> Rows(string database, int count, string figure, LoadResult? query, LoadResult? baseline, string? note)
    {
        foreach (var percent in new[] { 50, 95 })
        {
            var name = $"p{percent} {figure}, {count:#,0} proposals";
            yield return query is not null && baseline is not null
                ? ResultRow.Measured(Name, database, name, query.Percentile(percent), "ms", baseline.Percentile(percent), BaselineName)
                : ResultRow.Missing(Name, database, name, "ms", BaselineName, note ?? "not measured");
        }
    }
}
