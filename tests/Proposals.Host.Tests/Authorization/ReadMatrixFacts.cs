using System.Net;
using System.Text.Json.Nodes;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Authorization;

public sealed class ReadMatrixFactsOnSqlite() : ReadMatrixFacts(TestDatabases.Sqlite);

public sealed class ReadMatrixFactsOnPostgres() : ReadMatrixFacts(TestDatabases.Postgres);

public sealed class ReadMatrixFactsOnSqlServer() : ReadMatrixFacts(TestDatabases.SqlServer);

/// <summary>
/// The read half of the matrix of issue #7: every caller on every read route and list filter, over items at several
/// positions of the chain and one of another party assigned to another department, so that each kind of caller
/// has items it may see and items it may not.
/// </summary>
public abstract class ReadMatrixFacts(Func<TestDatabase> database) : ChainFacts(database)
{
    private static readonly string[] Positions =
    [
        "draft", "government-review", "implementation-unsigned", "implementation-signed-extension-pending-key-flagged", "reassignment", "closed",
    ];

    private sealed record Item(long Id, string Name, string Party, IReadOnlyList<string> Assigned, string State);

    [SkippableFact]
    public async Task Every_read_route_and_list_filter_shows_each_caller_only_what_belongs_to_them()
    {
        var definition = MatrixDefinition.Load();
        var actors = await MatrixActor.SignInAsync(C);
        var items = new List<Item>();
        foreach (var position in Positions.Select(ItemPosition.Named))
        {
            items.Add(new Item(await position.BuildAsync(C), position.Name, ItemPosition.Party, position.Assigned, position.State));
        }
        items.Add(await ForeignItemAsync());
        // Past the signing deadlines, so that the overdue filter and the supervision list have something to show.
        await C.AdvanceAsync(TimeSpan.FromDays(10));

        var mismatches = new List<string>();
        var filters = new List<string> { "", "year=2026", "overdue=true", "overdue=false", "keySupervision=true", "keySupervision=false", "q=营商环境", "q=九三" };
        filters.AddRange(definition.Stages.Select(s => $"stage={s.Id}"));
        filters.AddRange(definition.States.Select(s => $"state={s.Id}"));
        filters.AddRange(new[] { "minmeng", "jiusan", "fgj", "jyj", "zjj", "swj", "zfb", "tzb" }.Select(code => $"organizationId={C.Org(code)}"));
        foreach (var actor in actors)
        {
            var visible = items.Where(i => ExpectedAnswer.MaySee(actor, i.Party, i.Assigned, i.State)).Select(i => i.Id).ToHashSet();
            foreach (var item in items)
            {
                var status = visible.Contains(item.Id) ? HttpStatusCode.OK : HttpStatusCode.NotFound;
                foreach (var route in new[] { $"/api/proposals/{item.Id}", $"/api/proposals/{item.Id}/history" })
                {
                    var response = await actor.Client.GetAsync(route);
                    if (response.StatusCode != status)
                    {
                        mismatches.Add($"GET {route} ({item.Name}) as {actor.Username}: expected {(int)status}, got {(int)response.StatusCode}");
                    }
                }
            }

            var seenThroughStates = new HashSet<long>();
            foreach (var filter in filters)
            {
                var listed = await IdsAsync(actor, $"/api/proposals?pageSize=100&{filter}", "items", "id", mismatches);
                CheckOnlyVisible(listed, visible, items, $"GET /api/proposals?{filter} as {actor.Username}", mismatches);
                if (filter.StartsWith("state=", StringComparison.Ordinal))
                {
                    seenThroughStates.UnionWith(listed);
                }
                if (filter.Length == 0 && !listed.SetEquals(visible))
                {
                    mismatches.Add($"GET /api/proposals as {actor.Username}: expected exactly [{string.Join(", ", visible.Order())}], got [{string.Join(", ", listed.Order())}]");
                }
            }
            if (!seenThroughStates.SetEquals(visible))
            {
                mismatches.Add($"GET /api/proposals?state=… as {actor.Username}: the states together list [{string.Join(", ", seenThroughStates.Order())}], not every visible item [{string.Join(", ", visible.Order())}]");
            }
            CheckOnlyVisible(await IdsAsync(actor, "/api/inbox", "tasks", "proposalId", mismatches), visible, items, $"GET /api/inbox as {actor.Username}", mismatches);
            CheckOnlyVisible(await IdsAsync(actor, "/api/supervision/overdue?withinDays=366", "items", "proposalId", mismatches), visible, items, $"GET /api/supervision/overdue as {actor.Username}", mismatches);
            await CheckStatisticsAsync(actor, mismatches);
        }
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} cells of the read matrix broke:\n{string.Join("\n", mismatches)}");
    }

    /// <summary>Jiusan's self-chosen proposal, adopted and assigned to swj alone: what minmeng and the chain's departments must not see.</summary>
    private async Task<Item> ForeignItemAsync()
    {
        var member = C.Users["jiusan.member"];
        var draft = await ApiClient.Json(await member.PostAsync("/api/proposals", new { title = "九三学社关于科技成果转化的建议", summary = "摘要", body = "正文" }), HttpStatusCode.Created);
        var id = draft["id"]!.GetValue<long>();
        await C.OtherPartyAdmin.ActAsync(id, "submit");
        await C.Government.ActAsync(id, "adopt", new { partly = false, leadDepartmentId = C.Org("swj") });
        return new Item(id, "jiusan-implementation", "jiusan", ["swj"], "implementation");
    }

    private static async Task<HashSet<long>> IdsAsync(MatrixActor actor, string route, string listName, string idName, List<string> mismatches)
    {
        var response = await actor.Client.GetAsync(route);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            mismatches.Add($"GET {route} as {actor.Username}: expected 200, got {(int)response.StatusCode}: {text}");
            return [];
        }
        return JsonNode.Parse(text)![listName]!.AsArray().Select(i => i![idName]!.GetValue<long>()).ToHashSet();
    }

    private static void CheckOnlyVisible(HashSet<long> listed, HashSet<long> visible, List<Item> items, string what, List<string> mismatches)
    {
        foreach (var id in listed.Where(id => !visible.Contains(id)))
        {
            mismatches.Add($"{what}: lists {id} ({items.FirstOrDefault(i => i.Id == id)?.Name ?? "not made by this test"}), which is not the caller's to see");
        }
    }

    /// <summary>A party's figures are its own and a department's its own: asking for another's is refused; the all-seeing may narrow to anyone.</summary>
    private async Task CheckStatisticsAsync(MatrixActor actor, List<string> mismatches)
    {
        var askedFor = new[] { ("partyId", "minmeng"), ("partyId", "jiusan"), ("departmentId", "fgj"), ("departmentId", "swj") };
        foreach (var (parameter, code) in askedFor)
        {
            var refused = (actor.OrganizationKind, parameter) is ("party", "partyId") or ("department", "departmentId") && actor.OrganizationCode != code;
            var expected = refused ? HttpStatusCode.Forbidden : HttpStatusCode.OK;
            var response = await actor.Client.GetAsync($"/api/stats?year=2026&{parameter}={C.Org(code)}");
            if (response.StatusCode != expected)
            {
                mismatches.Add($"GET /api/stats?{parameter}={code} as {actor.Username}: expected {(int)expected}, got {(int)response.StatusCode}");
            }
        }
    }
}
