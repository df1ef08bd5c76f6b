using System.Net;
using System.Text.Json.Nodes;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Statistics;

public sealed class StatisticsFactsOnSqlite() : StatisticsFacts(TestDatabases.Sqlite);

public sealed class StatisticsFactsOnPostgres() : StatisticsFacts(TestDatabases.Postgres);

public sealed class StatisticsFactsOnSqlServer() : StatisticsFacts(TestDatabases.SqlServer);

public abstract class StatisticsFacts(Func<TestDatabase> database) : ChainFacts(database)
{
    [SkippableFact]
    public async Task Every_figure_of_the_year_matches_a_count_made_from_the_items_histories()
    {
        var scenario = await YearScenario.BuildAsync(C);
        var oracle = await OracleAsync(scenario);

        var stats = await C.Committee.GetJsonAsync("/api/stats?year=2026");

        Assert.Equal("all", stats["scope"]!.GetValue<string>());
        var total = oracle.For((item, _) => Submitted(item));
        AssertFigures(total, stats["total"]!, partySide: true, "total");
        // The scenario's own story, so that an oracle that counted nothing could not pass.
        Assert.Equal(7, total.Submitted);
        Assert.Equal((5, 7), Rate(stats["total"]!["adoptionRate"]!));
        Assert.Equal((6, 7), Rate(stats["total"]!["onTimeSigning"]!));
        Assert.Equal((4, 6), Rate(stats["total"]!["onTimeReply"]!));
        Assert.Equal(3, stats["total"]!["overdue"]!["count"]!.GetValue<int>());
        Assert.Equal(6, stats["total"]!["overdue"]!["workingDays"]!.GetValue<int>());
        Assert.Equal(0.7143, stats["total"]!["adoptionRate"]!["value"]!.GetValue<double>());

        foreach (var row in stats["byParty"]!.AsArray())
        {
            var party = row!["organization"]!["id"]!.GetValue<long>();
            AssertFigures(oracle.For((item, _) => Submitted(item) && item.PartyId == party), row["figures"]!, partySide: true, row["organization"]!["code"]!.GetValue<string>());
        }
        foreach (var row in stats["byDepartment"]!.AsArray())
        {
            var department = row!["organization"]!["id"]!.GetValue<long>();
            AssertFigures(oracle.For((item, d) => Submitted(item) && d == department), row["figures"]!, partySide: false, row["organization"]!["code"]!.GetValue<string>());
        }
        Assert.Equal(["fgj", "jyj", "zjj", "swj"], stats["byDepartment"]!.AsArray().Select(r => r!["organization"]!["code"]!.GetValue<string>()).ToArray());
        foreach (var row in stats["byTopic"]!.AsArray())
        {
            var topic = row!["topic"]!["id"]?.GetValue<long>();
            AssertFigures(oracle.For((item, _) => Submitted(item) && item.TopicId == topic), row["figures"]!, partySide: true, row["topic"]!["title"]!.GetValue<string>());
        }

        // Topics: three set, two taken up by claiming; the member's party was given one and claimed one.
        Assert.Equal(3, stats["total"]!["topicsSet"]!.GetValue<int>());
        Assert.Equal(2, stats["total"]!["topicsClaimed"]!.GetValue<int>());
        var minmeng = stats["byParty"]!.AsArray().Single(r => r!["organization"]!["code"]!.GetValue<string>() == "minmeng")!["figures"]!;
        Assert.Equal(2, minmeng["topicsSet"]!.GetValue<int>());
        Assert.Equal(1, minmeng["topicsClaimed"]!.GetValue<int>());
        Assert.Equal(4, stats["byTopic"]!.AsArray().Count); // three topics and the self-chosen proposals

        // A department row carries no party-side figures.
        var fgj = stats["byDepartment"]!.AsArray()[0]!["figures"]!;
        Assert.Null(fgj["decisions"]);
        Assert.Null(fgj["reportsSubmitted"]);
    }

    [SkippableFact]
    public async Task A_party_sees_only_its_own_figures_and_a_department_only_its_own()
    {
        var scenario = await YearScenario.BuildAsync(C);
        var oracle = await OracleAsync(scenario);
        var all = await C.Committee.GetJsonAsync("/api/stats?year=2026");

        var party = await C.PartyAdmin.GetJsonAsync("/api/stats?year=2026");
        Assert.Equal("party", party["scope"]!.GetValue<string>());
        Assert.Equal("minmeng", Assert.Single(party["byParty"]!.AsArray())!["organization"]!["code"]!.GetValue<string>());
        AssertFigures(oracle.For((item, _) => item.PartyId == C.Org("minmeng")), party["total"]!, partySide: true, "minmeng's own total");
        var ownRow = all["byParty"]!.AsArray().Single(r => r!["organization"]!["code"]!.GetValue<string>() == "minmeng")!["figures"]!;
        Assert.Equal(ownRow.ToJsonString(), party["total"]!.ToJsonString());
        Assert.DoesNotContain(party["byTopic"]!.AsArray(), r => r!["topic"]!["title"]!.GetValue<string>() == "职业教育产教融合课题");

        var department = await C.Lead.GetJsonAsync("/api/stats?year=2026");
        Assert.Equal("department", department["scope"]!.GetValue<string>());
        Assert.Equal("fgj", Assert.Single(department["byDepartment"]!.AsArray())!["organization"]!["code"]!.GetValue<string>());
        AssertFigures(oracle.For((_, d) => d == C.Org("fgj")), department["total"]!, partySide: false, "fgj's own total");
        Assert.Null(department["total"]!["decisions"]);

        await AssertProblemAsync(await C.PartyAdmin.GetAsync($"/api/stats?year=2026&partyId={C.Org("jiusan")}"), HttpStatusCode.Forbidden, "本党派");
        await AssertProblemAsync(await C.Lead.GetAsync($"/api/stats?year=2026&departmentId={C.Org("jyj")}"), HttpStatusCode.Forbidden, "本单位");
        await AssertProblemAsync(await C.Lead.GetAsync($"/api/stats/export.xlsx?year=2026&departmentId={C.Org("jyj")}"), HttpStatusCode.Forbidden, "本单位");

        // Those who see everything may narrow it to one party or department and get that row.
        var narrowed = await C.Supervisor.GetJsonAsync($"/api/stats?year=2026&departmentId={C.Org("jyj")}");
        var jyjRow = all["byDepartment"]!.AsArray().Single(r => r!["organization"]!["code"]!.GetValue<string>() == "jyj")!["figures"]!;
        Assert.Equal(jyjRow.ToJsonString(), narrowed["total"]!.ToJsonString());
    }

    [SkippableFact]
    public async Task Bad_query_parameters_are_refused_with_the_reason()
    {
        await AssertProblemAsync(await C.Committee.GetAsync("/api/stats?year=twenty"), (HttpStatusCode)422, "year");
        await AssertProblemAsync(await C.Committee.GetAsync("/api/stats?year=1999"), (HttpStatusCode)422, "2000");
        await AssertProblemAsync(await C.Committee.GetAsync("/api/stats?partyId=abc"), (HttpStatusCode)422, "partyId");
        await AssertProblemAsync(await C.Committee.GetAsync("/api/stats?partyId=987654"), (HttpStatusCode)422, "没有编号为 987654 的党派");
        await AssertProblemAsync(await C.Committee.GetAsync($"/api/stats?partyId={C.Org("fgj")}"), (HttpStatusCode)422, "党派");
        await AssertProblemAsync(await C.Committee.GetAsync($"/api/stats?departmentId={C.Org("minmeng")}"), (HttpStatusCode)422, "部门");
        await AssertProblemAsync(await C.Committee.GetAsync("/api/stats/export.xlsx?year=2026-01"), (HttpStatusCode)422, "year");
        await AssertProblemAsync(await C.Committee.GetAsync("/api/proposals?pageSize=101"), (HttpStatusCode)422, "pageSize");
        await AssertProblemAsync(await C.Committee.GetAsync("/api/proposals/export.xlsx?state=nowhere"), (HttpStatusCode)422, "state");
        await AssertProblemAsync(await C.Committee.GetAsync("/api/proposals/export.xlsx?organizationId=-1"), (HttpStatusCode)422, "organizationId");
        using var anonymous = Host.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/stats")).StatusCode);
    }

    [SkippableFact]
    public async Task The_year_defaults_to_the_current_one_and_a_year_without_records_counts_zero()
    {
        var current = await C.Committee.GetJsonAsync("/api/stats");
        Assert.Equal(2026, current["year"]!.GetValue<int>());

        await YearScenario.BuildAsync(C);
        var empty = await C.Committee.GetJsonAsync("/api/stats?year=2025");
        Assert.Equal(0, empty["total"]!["reportsSubmitted"]!.GetValue<int>());
        Assert.Equal(0, empty["total"]!["adoptionRate"]!["denominator"]!.GetValue<int>());
        Assert.Null(empty["total"]!["adoptionRate"]!["value"]);
        Assert.Empty(empty["byTopic"]!.AsArray());
    }

    internal async Task<HistoryOracle> OracleAsync(YearScenario scenario)
    {
        var items = new List<HistoryOracle.Item>();
        foreach (var id in scenario.Proposals.Append(scenario.DraftOnly))
        {
            // The draft never submitted is its party's alone: only the party can read it.
            var reader = id == scenario.DraftOnly ? C.PartyAdmin : C.Committee;
            var proposal = await reader.ProposalAsync(id);
            var history = await ApiClient.JsonArray(await reader.GetAsync($"/api/proposals/{id}/history"), HttpStatusCode.OK);
            items.Add(new HistoryOracle.Item(id, proposal["party"]!["id"]!.GetValue<long>(), proposal["topicId"]?.GetValue<long>(),
                proposal["state"]!.GetValue<string>(), history.Select(e => e!.AsObject()).ToList()));
        }
        return new HistoryOracle(items, DateOnly.FromDateTime(YearScenario.ReadAt.ToOffset(TimeSpan.FromHours(8)).DateTime));
    }

    /// <summary>Whether anyone but the item's party may count it: it was submitted at some point of its history.</summary>
    private static bool Submitted(HistoryOracle.Item item) => item.Events.Any(e => e["action"]!.GetValue<string>() == "submit");

    private static (int, int) Rate(JsonNode rate) => (rate["numerator"]!.GetValue<int>(), rate["denominator"]!.GetValue<int>());

    private static void AssertFigures(HistoryOracle.Expected e, JsonNode f, bool partySide, string row)
    {
        void Same(int expected, JsonNode? actual, string figure) =>
            Assert.True(expected == actual!.GetValue<int>(), $"{row}: {figure} should be {expected} but is {actual.GetValue<int>()}");

        if (partySide)
        {
            Same(e.Submitted, f["reportsSubmitted"], "reportsSubmitted");
            Same(e.Adopted, f["decisions"]!["adopted"], "decisions.adopted");
            Same(e.Partly, f["decisions"]!["partlyAdopted"], "decisions.partlyAdopted");
            Same(e.Reference, f["decisions"]!["keptForReference"], "decisions.keptForReference");
            Same(e.Rejected, f["decisions"]!["notAdopted"], "decisions.notAdopted");
            Same(e.Adopted + e.Partly, f["adoptionRate"]!["numerator"], "adoptionRate.numerator");
            Same(e.Adopted + e.Partly + e.Reference + e.Rejected, f["adoptionRate"]!["denominator"], "adoptionRate.denominator");
            Same(e.Adopted + e.Partly, f["itemsAssigned"], "itemsAssigned");
            Same(e.SecondRound.Count, f["secondRoundItems"], "secondRoundItems");
        }
        else
        {
            Same(e.AssignedItems.Count, f["itemsAssigned"], "itemsAssigned");
            Same(e.SecondRound.Count, f["secondRoundItems"], "secondRoundItems");
        }
        Same(e.Returned, f["assignmentsReturned"], "assignmentsReturned");
        Same(e.SignOnTime, f["onTimeSigning"]!["numerator"], "onTimeSigning.numerator");
        Same(e.SignAnswered + e.SignOpenLate, f["onTimeSigning"]!["denominator"], "onTimeSigning.denominator");
        Same(e.ReplyOnTime, f["onTimeReply"]!["numerator"], "onTimeReply.numerator");
        Same(e.ReplyAnswered + e.ReplyOpenLate, f["onTimeReply"]!["denominator"], "onTimeReply.denominator");
        Same(e.OverdueCount, f["overdue"]!["count"], "overdue.count");
        Same(e.OverdueDays, f["overdue"]!["workingDays"], "overdue.workingDays");
        Same(e.ExtensionsRequested, f["extensions"]!["requested"], "extensions.requested");
        Same(e.ExtensionsGranted, f["extensions"]!["granted"], "extensions.granted");
        Same(e.ExtensionsRefused, f["extensions"]!["refused"], "extensions.refused");
        Same(e.A, f["replies"]!["a"], "replies.a");
        Same(e.B, f["replies"]!["b"], "replies.b");
        Same(e.C, f["replies"]!["c"], "replies.c");
        foreach (var (key, name) in new[] { ("satisfied", "satisfied"), ("basically-satisfied", "basicallySatisfied"), ("not-satisfied", "notSatisfied") })
        {
            Same(e.Results.GetValueOrDefault(key), f["resultRating"]![name], $"resultRating.{name}");
            Same(e.Attitudes.GetValueOrDefault(key), f["attitudeRating"]![name], $"attitudeRating.{name}");
        }
        var results = e.Results.Values.Sum();
        Same(results - e.Results.GetValueOrDefault("not-satisfied"), f["resultRating"]!["satisfactionRate"]!["numerator"], "resultRating.satisfactionRate.numerator");
        Same(results, f["resultRating"]!["satisfactionRate"]!["denominator"], "resultRating.satisfactionRate.denominator");
    }

    internal static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string reason)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status} but got {(int)response.StatusCode}: {body}");
        Assert.Contains(reason, body, StringComparison.Ordinal);
    }
}
