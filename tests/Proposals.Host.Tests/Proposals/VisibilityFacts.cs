using System.Net;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Proposals;

public sealed class VisibilityFactsOnSqlite() : VisibilityFacts(TestDatabases.Sqlite);

public sealed class VisibilityFactsOnPostgres() : VisibilityFacts(TestDatabases.Postgres);

public sealed class VisibilityFactsOnSqlServer() : VisibilityFacts(TestDatabases.SqlServer);

public abstract class VisibilityFacts(Func<TestDatabase> database) : ChainFacts(database)
{
    [SkippableFact]
    public async Task A_department_cannot_read_or_act_on_an_item_not_assigned_to_it_and_nothing_changes()
    {
        var id = await C.AdoptedAsync();
        var before = Host.RowCounts();

        Assert.Equal(HttpStatusCode.NotFound, (await C.Outsider.GetAsync($"/api/proposals/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await C.Outsider.GetAsync($"/api/proposals/{id}/history")).StatusCode);
        var act = await C.Outsider.ActOnVersionAsync(id, "sign", 4);
        Assert.Equal(HttpStatusCode.NotFound, act.StatusCode);
        var list = await C.Outsider.GetJsonAsync("/api/proposals");
        Assert.Equal(0, list["total"]!.GetValue<int>());
        var overdue = await C.Outsider.GetJsonAsync("/api/supervision/overdue?withinDays=366");
        Assert.Empty(overdue["items"]!.AsArray());

        Assert.Equal(before, Host.RowCounts());
    }

    [SkippableFact]
    public async Task An_assigned_department_sees_the_item_but_a_co_department_cannot_take_the_lead_s_actions()
    {
        var id = await C.AdoptedAsync();
        var seen = await C.Co1.ProposalAsync(id);
        Assert.Equal(["return-assignment", "sign"], Chain.Allowed(seen).Order());
        await C.Co1.ActAsync(id, "sign");
        var before = Host.RowCounts();
        var refused = await C.Co1.ActOnVersionAsync(id, "record-progress", Chain.Version(await C.Co1.ProposalAsync(id)), new { text = "越权" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(before, Host.RowCounts());
    }

    [SkippableFact]
    public async Task A_party_lists_only_its_own_proposals_and_cannot_act_on_another_party_s()
    {
        var ours = await C.DraftAsync("民盟的建议");
        var jiusanMember = await Host.SignInAsync("jiusan.member");
        var theirs = await ApiClient.Json(await jiusanMember.PostAsync("/api/proposals", new { title = "九三学社的自选课题建议", summary = "", body = "" }), HttpStatusCode.Created);
        var theirsId = theirs["id"]!.GetValue<long>();

        var list = await C.Member.GetJsonAsync("/api/proposals");
        Assert.Equal([ours], list["items"]!.AsArray().Select(p => p!["id"]!.GetValue<long>()));
        Assert.Equal(1, list["total"]!.GetValue<int>());
        var filtered = await C.Member.GetJsonAsync($"/api/proposals?organizationId={C.Org("jiusan")}");
        Assert.Equal(0, filtered["total"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.NotFound, (await C.Member.GetAsync($"/api/proposals/{theirsId}")).StatusCode);

        var before = Host.RowCounts();
        Assert.Equal(HttpStatusCode.NotFound, (await C.PartyAdmin.ActOnVersionAsync(theirsId, "submit", 1)).StatusCode);
        Assert.Equal(before, Host.RowCounts());

        // Drafts are their parties' alone; once Jiusan submits, the supervisors and the government see it.
        Assert.Equal(0, (await C.Supervisor.GetJsonAsync("/api/proposals"))["total"]!.GetValue<int>());
        await C.OtherPartyAdmin.ActAsync(theirsId, "submit");
        var all = await C.Supervisor.GetJsonAsync("/api/proposals");
        Assert.Equal([theirsId], all["items"]!.AsArray().Select(p => p!["id"]!.GetValue<long>()));
        var government = await C.Government.GetJsonAsync($"/api/proposals?organizationId={C.Org("jiusan")}");
        Assert.Equal([theirsId], government["items"]!.AsArray().Select(p => p!["id"]!.GetValue<long>()));
    }

    [SkippableFact]
    public async Task A_party_cannot_draft_on_a_topic_it_has_not_claimed()
    {
        var topic = await ApiClient.Json(await C.Committee.PostAsync("/api/topics", new
        {
            title = "指定课题",
            description = "",
            year = 2026,
            researchDeadline = "2026-06-30",
            assignedPartyIds = new[] { C.Org("jiusan") },
        }), HttpStatusCode.Created);
        var topicId = topic["id"]!.GetValue<long>();
        Assert.False(topic["openForClaiming"]!.GetValue<bool>());
        var before = Host.RowCounts();

        var claim = await ApiClient.Json(await C.PartyAdmin.PostAsync($"/api/topics/{topicId}/claim", null), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("指定", claim["detail"]!.GetValue<string>());
        var draft = await ApiClient.Json(await C.Member.PostAsync("/api/proposals", new { topicId, title = "越权起草" }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("topicId", draft["errors"]!.AsObject().Select(e => e.Key));
        Assert.Equal(before, Host.RowCounts());
    }

    [SkippableFact]
    public async Task Only_the_committee_sets_topics_and_only_party_admins_claim_them()
    {
        var refused = await C.Member.PostAsync("/api/topics", new { title = "党员自设课题", description = "", year = 2026, researchDeadline = "2026-06-30" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var topic = await ApiClient.Json(await C.Committee.PostAsync("/api/topics", new { title = "开放课题", description = "", year = 2026, researchDeadline = "2026-06-30" }), HttpStatusCode.Created);
        var id = topic["id"]!.GetValue<long>();
        Assert.Equal(HttpStatusCode.Forbidden, (await C.Lead.PostAsync($"/api/topics/{id}/claim", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await C.Member.PostAsync($"/api/topics/{id}/claim", null)).StatusCode);
        await ApiClient.Json(await C.PartyAdmin.PostAsync($"/api/topics/{id}/claim", null), HttpStatusCode.OK);
        await ApiClient.Json(await C.OtherPartyAdmin.PostAsync($"/api/topics/{id}/claim", null), HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await C.PartyAdmin.PostAsync($"/api/topics/{id}/claim", null)).StatusCode);
        var closed = await ApiClient.Json(await C.Committee.PostAsync($"/api/topics/{id}/close", null), HttpStatusCode.OK);
        Assert.Equal("closed", closed["state"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await C.Users["jiusan.admin"].PostAsync($"/api/topics/{id}/claim", null)).StatusCode);
    }
}
