using System.Globalization;
using System.Text.Json.Nodes;
using Proposals.Data.Tests.Providers;
using Proposals.Engine.Execution;

namespace Proposals.Data.Tests.Proposals;

/// <summary>Concurrent actions never overwrite each other: of several transitions from one version, exactly one is written.</summary>
public abstract class ProposalConcurrencyFacts(IDatabaseProvider provider) : StoreFacts(provider)
{
    private static readonly DateTimeOffset Monday = TestCity.Monday;

    [SkippableFact]
    public async Task Of_eight_different_transitions_from_one_version_applied_in_parallel_exactly_one_is_written()
    {
        var city = await TestCity.CreateAsync(Database);
        var id = await city.SubmittedAsync(city.PartyAMember, city.PartyAAdmin, "关于社区养老的建议", Monday);
        var seen = await city.InstanceAsync(id);
        var now = Monday.AddDays(1);
        var transitions = new List<Transition>
        {
            await city.PlanAsync(city.Government, seen, "adopt", now, TestCity.Adoption(city.DepartmentX.OrganizationId, [city.DepartmentY.OrganizationId])),
            await city.PlanAsync(city.Government, seen, "reject", now, new JsonObject { ["reason"] = "不可行" }),
            await city.PlanAsync(city.Government, seen, "keep-for-reference", now),
            await city.PlanAsync(city.Supervisor, seen, "flag-key", now),
        };
        for (var i = 0; i < 4; i++)
        {
            transitions.Add(await city.PlanAsync(city.Supervisor, seen, "urge", now, Urge(i)));
        }
        var before = await RowCountsAsync();

        var applied = await ApplyTogetherAsync(city, transitions, now);

        var winner = Assert.Single(transitions.Where((_, i) => applied[i]));
        var instance = await city.InstanceAsync(id);
        Assert.Equal((winner.After.State, 3), (instance.State, instance.Version));
        var history = await city.Proposals.HistoryAsync(id, Viewer.Service, CancellationToken.None);
        Assert.Equal([1L, 2L, 3L], history.Select(e => e.Sequence));
        Assert.Equal(winner.Audit.Action, history[2].Action);
        var after = await RowCountsAsync();
        Assert.Equal(before.AuditEvents + 1, after.AuditEvents);
        Assert.Equal(before.Notifications + winner.Notifications.Count, after.Notifications);
        Assert.Equal(before.Tasks + winner.OpenedTasks.Count, after.Tasks);
        Assert.Equal(before.OpenTasks + winner.OpenedTasks.Count - winner.ClosedTasks.Count, after.OpenTasks);
        Assert.Equal(before.Reminders + winner.OpenedTasks.Sum(t => t.Reminders.Count), after.Reminders);
        Assert.Equal(winner.After.Assignments.Count, after.Assignments);
    }

    [SkippableFact]
    public async Task Round_after_round_of_parallel_urges_one_wins_each_round_and_the_audit_sequence_has_no_gaps()
    {
        const int Rounds = 5;
        var city = await TestCity.CreateAsync(Database);
        var id = await city.SubmittedAsync(city.PartyAMember, city.PartyAAdmin, "关于社区养老的建议", Monday);

        for (var round = 0; round < Rounds; round++)
        {
            var seen = await city.InstanceAsync(id);
            var now = Monday.AddDays(1 + round);
            var transitions = new List<Transition>();
            for (var i = 0; i < 8; i++)
            {
                transitions.Add(await city.PlanAsync(city.Supervisor, seen, "urge", now, Urge(round * 8 + i)));
            }

            var applied = await ApplyTogetherAsync(city, transitions, now);

            Assert.Equal(1, applied.Count(a => a));
        }

        var history = await city.Proposals.HistoryAsync(id, Viewer.Service, CancellationToken.None);
        Assert.Equal(Enumerable.Range(1, 2 + Rounds).Select(i => (long)i), history.Select(e => e.Sequence));
        Assert.Equal(2 + Rounds, (await city.InstanceAsync(id)).Version);
        Assert.Equal(2 + Rounds, await ScalarAsync<long>("SELECT COUNT(*) FROM audit_events WHERE proposal_id = @id", new { id }));
    }

    private static JsonObject Urge(int number) => new() { ["message"] = "请加快办理 #" + number.ToString(CultureInfo.InvariantCulture) };

    /// <summary>Applies every transition at once, each on its own thread and connection; true where it was written.</summary>
    private static async Task<bool[]> ApplyTogetherAsync(TestCity city, IReadOnlyList<Transition> transitions, DateTimeOffset now)
    {
        using var start = new ManualResetEventSlim();
        var writes = transitions.Select(t => Task.Factory.StartNew(() =>
        {
            start.Wait();
            return city.Proposals.ApplyAsync(TestCity.Definition, t, null, now, CancellationToken.None).GetAwaiter().GetResult();
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToList();
        start.Set();
        return await Task.WhenAll(writes);
    }
}
