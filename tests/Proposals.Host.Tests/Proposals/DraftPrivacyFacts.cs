using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using MiniExcelLibs;
using Proposals.Host.Jobs;
using Proposals.Host.Supervision;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Proposals;

public sealed class DraftPrivacyFactsOnSqlite() : DraftPrivacyFacts(TestDatabases.Sqlite);

public sealed class DraftPrivacyFactsOnPostgres() : DraftPrivacyFacts(TestDatabases.Postgres);

public sealed class DraftPrivacyFactsOnSqlServer() : DraftPrivacyFacts(TestDatabases.SqlServer);

/// <summary>
/// A draft and its party review are the party's business until it submits: the committee, the government, the
/// supervision office, the administrator and the departments neither open, list, count, export nor act on it, and are
/// told nothing of it. From the submission on, everyone whose work it is sees it as before.
/// </summary>
public abstract class DraftPrivacyFacts(Func<TestDatabase> database) : ChainFacts(database)
{
    private const string DraftTitle = "民盟尚未报送的调研报告";

    private IEnumerable<ApiClient> Others => [C.Committee, C.Government, C.Supervisor, C.Admin, C.Lead, C.OtherPartyAdmin];

    [SkippableFact]
    public async Task Nobody_outside_the_party_opens_lists_or_exports_a_draft_or_a_draft_under_party_review()
    {
        var draft = await C.DraftAsync(DraftTitle);
        var reviewed = await C.DraftAsync(DraftTitle);
        await C.Member.ActAsync(reviewed, "submit-for-review");

        foreach (var user in Others)
        {
            foreach (var id in new[] { draft, reviewed })
            {
                Assert.Equal(HttpStatusCode.NotFound, (await user.GetAsync($"/api/proposals/{id}")).StatusCode);
                Assert.Equal(HttpStatusCode.NotFound, (await user.GetAsync($"/api/proposals/{id}/history")).StatusCode);
            }
            foreach (var filter in new[] { "", "state=draft", "state=party-review", "stage=research", $"organizationId={C.Org("minmeng")}", "q=尚未报送" })
            {
                var list = await user.GetJsonAsync($"/api/proposals?{filter}");
                Assert.True(list["total"]!.GetValue<int>() == 0, $"{user.Username} lists {list["total"]} with '{filter}'");
            }
            Assert.DoesNotContain(DraftTitle, await ExportedTitlesAsync(user));
        }

        foreach (var user in new[] { C.Member, C.PartyAdmin })
        {
            Assert.Equal(HttpStatusCode.OK, (await user.GetAsync($"/api/proposals/{draft}")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await user.GetAsync($"/api/proposals/{reviewed}/history")).StatusCode);
            Assert.Equal(2, (await user.GetJsonAsync("/api/proposals?stage=research"))["total"]!.GetValue<int>());
            Assert.Equal([DraftTitle, DraftTitle], await ExportedTitlesAsync(user));
        }
    }

    [SkippableFact]
    public async Task A_supervisor_cannot_urge_or_flag_a_draft_and_nothing_is_written()
    {
        var id = await C.DraftAsync(DraftTitle);
        var before = Host.RowCounts();

        Assert.Equal(HttpStatusCode.NotFound, (await C.Supervisor.ActOnVersionAsync(id, "urge", 1, new { message = "请抓紧" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await C.Supervisor.ActOnVersionAsync(id, "flag-key", 1)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await C.Government.ActOnVersionAsync(id, "adopt", 1, new { partly = false, leadDepartmentId = C.Org("fgj") })).StatusCode);

        Assert.Equal(before, Host.RowCounts());
    }

    [SkippableFact]
    public async Task Once_submitted_the_item_is_seen_by_the_government_committee_and_supervisors_with_its_whole_history()
    {
        var id = await C.DraftAsync(DraftTitle);
        await C.Member.ActAsync(id, "submit-for-review");
        await C.PartyAdmin.ActAsync(id, "submit");

        foreach (var user in new[] { C.Committee, C.Government, C.Supervisor, C.Admin })
        {
            var history = await ApiClient.JsonArray(await user.GetAsync($"/api/proposals/{id}/history"), HttpStatusCode.OK);
            Assert.Equal(["create", "submit-for-review", "submit"], history.Select(e => e!["action"]!.GetValue<string>()));
            Assert.Equal(1, (await user.GetJsonAsync("/api/proposals?stage=adoption"))["total"]!.GetValue<int>());
            Assert.Contains(DraftTitle, await ExportedTitlesAsync(user));
        }
        // Departments still see only what is assigned to them.
        Assert.Equal(HttpStatusCode.NotFound, (await C.Lead.GetAsync($"/api/proposals/{id}")).StatusCode);
    }

    [SkippableFact]
    public async Task An_overdue_draft_is_the_party_s_to_hear_of_and_count_not_the_committee_s_nor_the_supervision_board_s()
    {
        var id = await C.DraftAsync(DraftTitle); // on a topic due 2026-06-30
        await C.AdvanceAsync(new DateTimeOffset(2026, 7, 2, 2, 0, 0, TimeSpan.Zero) - Host.Clock.GetUtcNow()); // Thursday 10:00 Beijing
        var jobs = Host.Services.GetRequiredService<ScheduledJobs>();
        await jobs.SweepOverdueAsync(CancellationToken.None);
        await jobs.DispatchRemindersAsync(CancellationToken.None);
        await Host.Services.GetRequiredService<SupervisorDigest>().SendAsync(CancellationToken.None);

        Assert.True(Host.Scalar($"SELECT COUNT(*) FROM notifications WHERE proposal_id = {id} AND organization_id = {C.Org("minmeng")}") > 0);
        Assert.Equal(0, Host.Scalar($"SELECT COUNT(*) FROM notifications WHERE proposal_id = {id} AND (organization_id IS NULL OR organization_id <> {C.Org("minmeng")})"));
        foreach (var user in new[] { C.Committee, C.Supervisor, C.Government })
        {
            var inbox = await user.GetJsonAsync("/api/inbox");
            Assert.DoesNotContain(inbox["notifications"]!.AsArray(), n => n!.ToJsonString().Contains(DraftTitle, StringComparison.Ordinal));
            var board = await user.GetJsonAsync("/api/supervision/overdue?withinDays=366");
            Assert.DoesNotContain(board["items"]!.AsArray(), i => i!["proposalId"]!.GetValue<long>() == id);
        }

        // The research step ran late: the party's own figures say so, everybody else's figures know nothing of it.
        Assert.Equal(1, OverdueCount(await C.PartyAdmin.GetJsonAsync("/api/stats?year=2026")));
        Assert.Equal(0, OverdueCount(await C.Committee.GetJsonAsync("/api/stats?year=2026")));
        Assert.Equal(0, OverdueCount(await C.Committee.GetJsonAsync($"/api/stats?year=2026&partyId={C.Org("minmeng")}")));
    }

    private static int OverdueCount(JsonObject stats) => stats["total"]!["overdue"]!["count"]!.GetValue<int>();

    private static async Task<List<string>> ExportedTitlesAsync(ApiClient user)
    {
        var response = await user.GetAsync("/api/proposals/export.xlsx");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        var rows = stream.Query(useHeaderRow: true, sheetName: "提案").Cast<IDictionary<string, object?>>();
        return rows.Select(r => (string)r["标题"]!).ToList();
    }
}
