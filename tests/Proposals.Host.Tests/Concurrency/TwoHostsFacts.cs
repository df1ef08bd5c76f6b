using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Proposals.Host.Jobs;
using Proposals.Host.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Proposals.Host.Tests.Concurrency;

public sealed class TwoHostsFactsOnPostgres(ITestOutputHelper output) : TwoHostsFacts(TestDatabases.Postgres, output);

public sealed class TwoHostsFactsOnSqlServer(ITestOutputHelper output) : TwoHostsFacts(TestDatabases.SqlServer, output);

public sealed class TwoHostsFactsOnSqlite(ITestOutputHelper output) : TwoHostsFacts(TestDatabases.Sqlite, output);

/// <summary>
/// Two hosts on one database, started together, with twenty clients acting on the same fifty proposals at once.
/// Whatever interleaving happens, every history must stay a valid path of the workflow with no gap and no
/// action applied twice.
/// </summary>
public abstract class TwoHostsFacts(Func<TestDatabase> database, ITestOutputHelper output) : IDisposable
{
    private const int ProposalCount = 50;
    private const int ClientCount = 20;
    private static readonly TimeSpan RunFor = TimeSpan.FromSeconds(12);
    private const int MaxRequestsPerClient = 400;

    private readonly TestDatabase _database = database();

    public void Dispose()
    {
        _database.Dispose();
        GC.SuppressFinalize(this);
    }

    [SkippableFact]
    public async Task Two_hosts_running_the_reminder_jobs_at_once_send_every_reminder_exactly_once()
    {
        Skip.If(_database.Unavailable is not null, _database.Unavailable);
        using var hostA = new ProposalsHost(_database);
        using var hostB = new ProposalsHost(_database);
        using var chain = await Chain.StartAsync(hostA);
        hostB.CreateClient().Dispose();
        const int items = 20;
        for (var i = 0; i < items; i++)
        {
            await chain.AdoptedAsync(); // three departments to sign by Thursday 5 March
        }
        var later = new DateTimeOffset(2026, 3, 10, 1, 30, 0, TimeSpan.Zero) - hostA.Clock.GetUtcNow();
        hostA.Clock.Advance(later);
        hostB.Clock.Advance(later);

        var jobs = new[] { hostA, hostB }.Select(h => h.Services.GetRequiredService<ScheduledJobs>()).ToArray();
        await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() => i % 2 == 0
            ? jobs[i % 4 == 0 ? 0 : 1].DispatchRemindersAsync(CancellationToken.None)
            : jobs[i % 3 == 0 ? 0 : 1].SweepOverdueAsync(CancellationToken.None))));

        // Per item: each department's reminder (to it) and overdue notice (to it and to the supervision office).
        Assert.Equal(items * 3, hostA.Scalar("SELECT COUNT(*) FROM notifications WHERE kind = 'reminder-reminder'"));
        Assert.Equal(items * 3 * 2, hostA.Scalar("SELECT COUNT(*) FROM notifications WHERE kind = 'reminder-overdue'"));
        Assert.Equal(0, hostA.Scalar(
            """
            SELECT COUNT(*) FROM (
                SELECT proposal_id, kind, organization_id, organization_kind, role, title, body FROM notifications
                GROUP BY proposal_id, kind, organization_id, organization_kind, role, title, body HAVING COUNT(*) > 1) twice
            """));
        Assert.Equal(items * 3 * 2, hostA.Scalar("SELECT COUNT(*) FROM reminders WHERE status = 'sent'"));
    }

    [SkippableFact]
    public async Task Twenty_requests_with_one_key_on_two_hosts_apply_once_and_all_get_the_first_answer()
    {
        Skip.If(_database.Unavailable is not null, _database.Unavailable);
        using var hostA = new ProposalsHost(_database);
        using var hostB = new ProposalsHost(_database);
        await Task.WhenAll(Task.Run(() => hostA.CreateClient().Dispose()), Task.Run(() => hostB.CreateClient().Dispose()));
        using var chain = await Chain.StartAsync(hostA);
        var results = new List<(HttpStatusCode Status, string Body)>();
        for (var round = 0; round < 5; round++)
        {
            var id = await chain.SubmittedAsync($"同一个键 {round}");
            var version = Chain.Version(await chain.Government.ProposalAsync(id));
            // The same person on both hosts (one token each), sending one request twenty times at once.
            var onA = await hostA.SignInAsync("zfb.reviewer");
            var onB = await hostB.SignInAsync("zfb.reviewer");
            var data = new { leadDepartmentId = chain.Org("fgj"), coDepartmentIds = new[] { chain.Org("jyj") } };
            using var start = new SemaphoreSlim(0);
            var sends = Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
            {
                await start.WaitAsync();
                var response = await (i % 2 == 0 ? onA : onB).ActOnVersionAsync(id, "adopt", version, data, idempotencyKey: $"adopt-once-{round}");
                return ((response.StatusCode, await response.Content.ReadAsStringAsync()));
            })).ToList();
            start.Release(20);
            var answers = await Task.WhenAll(sends);

            Assert.Equal(1, hostA.Scalar($"SELECT COUNT(*) FROM audit_events WHERE proposal_id = {id} AND action = 'adopt'"));
            Assert.All(answers, a => Assert.True(a.Item1 == HttpStatusCode.OK, $"{(int)a.Item1}: {a.Item2}"));
            Assert.Single(answers.Select(a => a.Item2).Distinct());
            results.AddRange(answers);
        }
        output.WriteLine($"{results.Count} requests in 5 rounds of 20 with one key each: {results.Count(r => r.Status == HttpStatusCode.OK)} answered 200 with the round's first answer");
    }

    [SkippableFact]
    public async Task Twenty_clients_on_two_hosts_never_lose_or_repeat_an_action()
    {
        Skip.If(_database.Unavailable is not null, _database.Unavailable);
        using var hostA = new ProposalsHost(_database);
        using var hostB = new ProposalsHost(_database);
        // Both hosts migrate, publish and seed at the same moment; the migration lock must keep that safe.
        await Task.WhenAll(Task.Run(() => hostA.CreateClient().Dispose()), Task.Run(() => hostB.CreateClient().Dispose()));

        using var chain = await Chain.StartAsync(hostA);
        var ids = new List<long>();
        for (var i = 0; i < ProposalCount; i++)
        {
            var id = await chain.SubmittedAsync($"并发测试提案 {i}");
            await chain.Government.ActAsync(id, "adopt", new { leadDepartmentId = chain.Org("fgj") });
            await chain.Lead.ActAsync(id, "sign");
            ids.Add(id);
        }
        var eventsBefore = hostA.Scalar("SELECT COUNT(*) FROM audit_events");

        var clients = new List<ApiClient>();
        for (var i = 0; i < ClientCount; i++)
        {
            var host = i % 2 == 0 ? hostA : hostB;
            clients.Add(await host.SignInAsync(i % 2 == 0 ? "dcs.supervisor" : "fgj.handler"));
        }

        var applied = new ConcurrentDictionary<string, long>();
        var outcomes = new ConcurrentDictionary<HttpStatusCode, int>();
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(clients.Select((client, index) => Task.Run(async () =>
        {
            var random = new Random(index);
            for (var n = 0; n < MaxRequestsPerClient && stopwatch.Elapsed < RunFor; n++)
            {
                var id = ids[random.Next(ids.Count)];
                var current = await ApiClient.Json(await client.GetAsync($"/api/proposals/{id}"), HttpStatusCode.OK);
                var action = PickAction(Chain.Allowed(current), random);
                var key = $"c{index}-{n}";
                var data = action switch
                {
                    "urge" => (object)new { message = $"催办 {key}" },
                    "record-progress" => new { text = $"进展 {key}" },
                    _ => new { reason = key },
                };
                var response = await client.ActOnVersionAsync(id, action, Chain.Version(current), data, idempotencyKey: key);
                outcomes.AddOrUpdate(response.StatusCode, 1, (_, c) => c + 1);
                Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, $"{action} on {id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    applied[key] = id;
                    if (random.Next(5) == 0)
                    {
                        // A client that lost the answer retries with the same key: it must get the same answer, not a second event.
                        var replay = await client.ActOnVersionAsync(id, action, Chain.Version(current), data, idempotencyKey: key);
                        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
                    }
                }
            }
        })));

        output.WriteLine($"{stopwatch.Elapsed.TotalSeconds:F1} s: {string.Join(", ", outcomes.Select(o => $"{(int)o.Key}×{o.Value}"))}, {applied.Count} actions applied");
        Assert.True(outcomes.GetValueOrDefault(HttpStatusCode.OK) > 50, $"too few actions succeeded to prove anything: {string.Join(", ", outcomes)}");
        Assert.Equal(applied.Count, hostA.Scalar("SELECT COUNT(*) FROM audit_events") - eventsBefore);

        var definition = await chain.Supervisor.GetJsonAsync("/api/workflows/proposal-chain");
        foreach (var id in ids)
        {
            var history = await ApiClient.JsonArray(await chain.Supervisor.GetAsync($"/api/proposals/{id}/history"), HttpStatusCode.OK);
            var proposal = await chain.Supervisor.ProposalAsync(id);
            AssertValidPath(definition, history, Chain.Version(proposal));
            Assert.Equal(applied.Count(a => a.Value == id), history.Count - 5);
        }
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    private static string PickAction(IReadOnlyList<string> allowed, Random random)
    {
        var candidates = allowed.Where(a => a is "urge" or "flag-key" or "unflag-key" or "record-progress").ToList();
        return candidates[random.Next(candidates.Count)];
    }

    /// <summary>Sequences 1..version without a gap, each event leaving from where the last arrived, and the key flag toggled strictly in turn.</summary>
    private static void AssertValidPath(JsonObject definition, JsonArray history, int version)
    {
        Assert.Equal(Enumerable.Range(1, version).Select(i => (long)i), history.Select(e => e!["sequence"]!.GetValue<long>()));
        var actions = definition["actions"]!.AsArray().ToDictionary(a => a!["id"]!.GetValue<string>(), a => a!.AsObject());
        var flagged = false;
        var state = "";
        foreach (var e in history)
        {
            var action = e!["action"]!.GetValue<string>();
            Assert.Equal(state, e["fromState"]?.GetValue<string>() ?? "");
            if (action != "create")
            {
                var spec = actions[action];
                var from = spec["from"]?.AsArray().Select(s => s!.GetValue<string>()).ToList() ?? [];
                Assert.True(spec["fromAnyOpenState"]?.GetValue<bool>() == true || from.Contains(state), $"{action} is not possible from {state}");
            }
            if (action == "flag-key")
            {
                Assert.False(flagged, "flagged twice in a row: an action was applied on a stale state");
                flagged = true;
            }
            if (action == "unflag-key")
            {
                Assert.True(flagged, "unflagged an item that was not flagged");
                flagged = false;
            }
            state = e["toState"]!.GetValue<string>();
        }
    }
}
