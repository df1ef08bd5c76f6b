using System.Diagnostics;
using Dapper;
using Hangfire;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Proposals.Data;
using Proposals.Data.Reminders;
using Proposals.Host.Reminders;

namespace Proposals.Benchmarks;

/// <summary>
/// Issue #8, item 3: the time to turn N due reminder rows into notifications through the host's dispatcher (one
/// host; then two at once on PostgreSQL), beside what a typical .NET service would do instead: a Hangfire delayed
/// job per reminder on the same kind of storage, scheduled and run by as many Hangfire servers, timed until all ran.
/// </summary>
internal sealed class DispatchBenchmark(BenchmarkOptions options)
{
    private const string Name = "dispatch";

    // What each run of the host's recurring job takes at a time (ScheduledJobs).
    private const int BatchSize = 200;

    // Hangfire's PostgreSQL storage runs about 40 delayed jobs a second on two cores, and quick mode has two minutes for everything.
    private const int QuickCount = 500;

    // As many requests at once as the engine benchmark's workers, each scheduling the job of the reminder it creates.
    private const int Schedulers = 8;

    public async Task<IReadOnlyList<ResultRow>> RunAsync(BenchmarkDatabase database, string databaseName, CancellationToken cancellationToken)
    {
        var count = options.Sized(QuickCount, 100_000);
        await using var host = new BenchmarkHost(database);
        var generator = await CityGenerator.CreateAsync(host, cancellationToken);
        await generator.AddProposalsAsync(Math.Max(200, count / 4), cancellationToken);
        await generator.AddDueRemindersAsync(count, cancellationToken);

        var rows = new List<ResultRow>();
        var one = await DispatchAsync([host], count, cancellationToken);
        var oneBaseline = await HangfireAsync(database, 1, count, cancellationToken);
        rows.Add(ResultRow.Measured(Name, databaseName, Figure(count, 1), one, "s", oneBaseline, BaselineName(database.Provider, count, 1)));
        if (database.Provider == DatabaseProvider.PostgreSql)
        {
            await using (var connection = await host.Get<Database>().OpenAsync(cancellationToken))
            {
                await connection.ExecuteAsync("UPDATE reminders SET status = 'pending', sent_at = NULL, claimed_by = NULL, claimed_until = NULL");
            }
            await using var second = new BenchmarkHost(database);
            var two = await DispatchAsync([host, second], count, cancellationToken);
            var twoBaseline = await HangfireAsync(database, 2, count, cancellationToken);
            rows.Add(ResultRow.Measured(Name, databaseName, Figure(count, 2), two, "s", twoBaseline, BaselineName(database.Provider, count, 2)));
        }
        return rows;
    }

    public static IEnumerable<ResultRow> Skipped(BenchmarkOptions options, DatabaseProvider provider, string database, string note)
    {
        var count = options.Sized(QuickCount, 100_000);
        return (provider == DatabaseProvider.PostgreSql ? new[] { 1, 2 } : [1])
            .Select(hosts => ResultRow.Missing(Name, database, Figure(count, hosts), "s", BaselineName(provider, count, hosts), note));
    }

    private static string Figure(int count, int hosts) => $"time to dispatch {count:#,0} due reminders, {EngineBenchmark.Plural(hosts, "host")} (ReminderDispatcher)";

    private static string BaselineName(DatabaseProvider provider, int count, int servers) =>
        $"{count:#,0} Hangfire delayed jobs (empty body) scheduled and run, {(provider == DatabaseProvider.PostgreSql ? "PostgreSql" : "InMemory")} storage, {EngineBenchmark.Plural(servers, "server")}";

    /// <summary>Seconds until the hosts' dispatchers, each claiming batches in a loop as the recurring job does, have sent every due reminder.</summary>
    private static async Task<double> DispatchAsync(IReadOnlyList<BenchmarkHost> hosts, int count, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var sent = await Task.WhenAll(hosts.Select((host, i) => Task.Run(async () =>
        {
            var dispatcher = host.Get<ReminderDispatcher>();
            int total = 0, batch;
            while ((batch = await dispatcher.DispatchDueAsync($"benchmark-host-{i}", ReminderLevels.All, BatchSize, cancellationToken)) > 0)
            {
                total += batch;
            }
            return total;
        }, cancellationToken)));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return sent.Sum() == count ? elapsed : throw new InvalidOperationException($"{sent.Sum()} reminders were sent, not {count}.");
    }

    /// <summary>
    /// Seconds to schedule <paramref name="count"/> delayed jobs, already due, and have <paramref name="servers"/>
    /// servers run them all. The servers poll every 100 ms rather than every 15 s, so that the figure is Hangfire's
    /// work rather than its waiting.
    /// </summary>
    private static async Task<double> HangfireAsync(BenchmarkDatabase database, int servers, int count, CancellationToken cancellationToken)
    {
        var storages = Enumerable.Range(0, servers).Select(_ => Storage(database)).ToList();
        var done = HangfireBaselineJob.Expect(count);
        var running = storages.Select((storage, i) => new BackgroundJobServer(
            new BackgroundJobServerOptions { SchedulePollingInterval = TimeSpan.FromMilliseconds(100), ServerName = $"benchmark-{i}-{Guid.NewGuid():N}" }, storage)).ToList();
        try
        {
            var client = new BackgroundJobClient(storages[0]);
            var started = Stopwatch.GetTimestamp();
            await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = Schedulers, CancellationToken = cancellationToken },
                (i, _) =>
                {
                    long reminderId = i;
                    client.Schedule(() => HangfireBaselineJob.Run(reminderId), TimeSpan.Zero);
                    return ValueTask.CompletedTask;
                });
            await done.WaitAsync(TimeSpan.FromMinutes(30), cancellationToken);
            return Stopwatch.GetElapsedTime(started).TotalSeconds;
        }
        finally
        {
            foreach (var server in running)
            {
                server.SendStop();
            }
            foreach (var server in running)
            {
                server.Dispose();
            }
            foreach (var storage in storages.OfType<IDisposable>())
            {
                storage.Dispose();
            }
        }
    }

    private static JobStorage Storage(BenchmarkDatabase database)
    {
        if (database.Provider != DatabaseProvider.PostgreSql)
        {
            return new InMemoryStorage();
        }
        var options = new PostgreSqlStorageOptions { SchemaName = "hangfire", PrepareSchemaIfNecessary = true, QueuePollInterval = TimeSpan.FromMilliseconds(100) };
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(database.ConnectionString, options), options);
    }
}

/// <summary>The baseline's job: it only counts, so that the figure is what Hangfire itself costs.</summary>
public static class HangfireBaselineJob
{
    private static int _remaining;
    private static TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal static Task Expect(int count)
    {
        _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _remaining, count);
        return _done.Task;
    }

    public static void Run(long reminderId)
    {
        _ = reminderId;
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            _done.TrySetResult();
        }
    }
}
