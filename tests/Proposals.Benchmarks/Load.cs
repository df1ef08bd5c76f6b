using System.Diagnostics;

namespace Proposals.Benchmarks;

/// <summary>What a timed load produced: how many operations, in how long, and each one's latency.</summary>
internal sealed record LoadResult(int Operations, TimeSpan Elapsed, IReadOnlyList<double> LatenciesMs)
{
    public double PerSecond => Operations / Elapsed.TotalSeconds;

    /// <summary>The nearest-rank percentile of the latencies, in milliseconds.</summary>
    public double Percentile(double percent) => Percentiles.Of(LatenciesMs, percent);
}

internal static class Percentiles
{
    public static double Of(IReadOnlyList<double> values, double percent)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }
        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}

/// <summary>
/// A hand-written load driver: <c>workers</c> loops run one operation after another until the time is up, each
/// operation timed on its own. The elapsed time runs until the last operation in flight has finished.
/// </summary>
internal static class Load
{
    /// <param name="operationOf">Gives worker <c>i</c> its operation; workers never share one, so each may keep its own state.</param>
    public static async Task<LoadResult> RunAsync(int workers, TimeSpan duration, Func<int, Func<Task>> operationOf)
    {
        ArgumentNullException.ThrowIfNull(operationOf);
        var operations = Enumerable.Range(0, workers).Select(operationOf).ToList();
        var latencies = new List<double>[workers];
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, workers).Select(i => Task.Run(async () =>
        {
            var mine = latencies[i] = [];
            // At least one operation each, so that a tiny duration still says something.
            do
            {
                var before = Stopwatch.GetTimestamp();
                await operations[i]();
                mine.Add(Stopwatch.GetElapsedTime(before).TotalMilliseconds);
            }
            while (Stopwatch.GetTimestamp() < deadline);
        })));
        var elapsed = Stopwatch.GetElapsedTime(started);
        var all = latencies.SelectMany(l => l).ToList();
        return new LoadResult(all.Count, elapsed, all);
    }

    /// <summary>Times <paramref name="query"/> <paramref name="times"/> times, one after another, after one untimed run to warm caches.</summary>
    public static async Task<LoadResult> RepeatAsync(int times, Func<Task> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        await query();
        var latencies = new List<double>(times);
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < times; i++)
        {
            var before = Stopwatch.GetTimestamp();
            await query();
            latencies.Add(Stopwatch.GetElapsedTime(before).TotalMilliseconds);
        }
        return new LoadResult(times, Stopwatch.GetElapsedTime(started), latencies);
    }
}
