using System.Net;
using System.Text.Json.Nodes;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Proposals;

public sealed class WritingFactsOnSqlite() : WritingFacts(TestDatabases.Sqlite);

public sealed class WritingFactsOnPostgres() : WritingFacts(TestDatabases.Postgres);

public sealed class WritingFactsOnSqlServer() : WritingFacts(TestDatabases.SqlServer);

/// <summary>
/// The work inside the research step (process.md, "The work inside each step"): a draft is revised in numbered
/// revisions until it is submitted, other parties co-sign it, and the party may withdraw it until the government decides.
/// </summary>
public abstract class WritingFacts(Func<TestDatabase> database) : ChainFacts(database)
{
    private const string FirstBody = "营商环境调研正文第一稿。";
    private const string SecondBody = "营商环境调研正文第二稿，补充了数据。";

    private ApiClient Jiusan => C.OtherPartyAdmin;

    private static async Task<JsonObject> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected) => await ApiClient.Json(response, expected);

    private static Dictionary<string, string[]> Errors(JsonObject problem) =>
        problem["errors"]!.AsObject().ToDictionary(e => e.Key, e => e.Value!.AsArray().Select(m => m!.GetValue<string>()).ToArray());

    private async Task<long> DraftWithBodyAsync()
    {
        var id = await C.DraftAsync();
        var revised = await C.Member.ActAsync(id, "revise", new { body = FirstBody });
        Assert.Equal(2, revised["revision"]!.GetValue<int>());
        return id;
    }

    [SkippableFact]
    public async Task Each_revision_is_numbered_kept_and_recorded_in_the_history_with_who_saved_it()
    {
        var id = await DraftWithBodyAsync();
        var after = await C.Member.ActAsync(id, "revise", new { title = "关于优化营商环境的调研报告（修改稿）", body = SecondBody }, comment: "按审核意见修改");

        Assert.Equal(3, after["revision"]!.GetValue<int>());
        Assert.Equal(SecondBody, after["body"]!.GetValue<string>());
        Assert.Equal("draft", after["state"]!.GetValue<string>());
        var revisions = await ApiClient.JsonArray(await C.Member.GetAsync($"/api/proposals/{id}/revisions"), HttpStatusCode.OK);
        Assert.Equal([1, 2, 3], revisions.Select(r => r!["number"]!.GetValue<int>()));
        Assert.Equal(["正文", FirstBody, SecondBody], revisions.Select(r => r!["body"]!.GetValue<string>()));
        Assert.Equal("关于优化营商环境的调研报告", revisions[1]!["title"]!.GetValue<string>());
        Assert.All(revisions, r => Assert.Equal(C.Member.Me["id"]!.GetValue<long>(), r!["actor"]!["id"]!.GetValue<long>()));
        var second = await C.Member.GetJsonAsync($"/api/proposals/{id}/revisions/2");
        Assert.Equal(FirstBody, second["body"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await C.Member.GetAsync($"/api/proposals/{id}/revisions/4")).StatusCode);

        var history = await ApiClient.JsonArray(await C.Member.GetAsync($"/api/proposals/{id}/history"), HttpStatusCode.OK);
        var last = history[^1]!;
        Assert.Equal("revise", last["action"]!.GetValue<string>());
        Assert.Equal(3, last["data"]!["revision"]!.GetValue<int>());
        Assert.Equal(SecondBody, last["data"]!["body"]!.GetValue<string>());
        Assert.Equal("按审核意见修改", last["comment"]!.GetValue<string>());
        // Each revision names the history event that wrote it.
        Assert.Equal(last["sequence"]!.GetValue<long>(), revisions[2]!["historySequence"]!.GetValue<long>());
    }

    [SkippableFact]
    public async Task A_revision_changing_nothing_or_too_long_is_refused_and_nothing_is_written()
    {
        var id = await DraftWithBodyAsync();
        var before = Host.RowCounts();

        var same = await ProblemAsync(await C.Member.ActOnVersionAsync(id, "revise", 2, new { body = FirstBody }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("data", Errors(same).Keys);
        var empty = await ProblemAsync(await C.Member.ActOnVersionAsync(id, "revise", 2, new { }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("data", Errors(empty).Keys);
        var longTitle = await ProblemAsync(await C.Member.ActOnVersionAsync(id, "revise", 2, new { title = new string('长', 201) }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("data.title", Errors(longTitle).Keys);
        var unknown = await ProblemAsync(await C.Member.ActOnVersionAsync(id, "revise", 2, new { author = "某人" }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("data.author", Errors(unknown).Keys);
        var stale = await C.Member.ActOnVersionAsync(id, "revise", 1, new { body = SecondBody });
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);

        Assert.Equal(before, Host.RowCounts());
    }

    [SkippableFact]
    public async Task A_revision_sent_twice_with_one_key_is_saved_once_and_answered_alike()
    {
        var id = await DraftWithBodyAsync();

        var first = await C.Member.ActOnVersionAsync(id, "revise", 2, new { body = SecondBody }, idempotencyKey: "revise-once");
        var again = await C.Member.ActOnVersionAsync(id, "revise", 2, new { body = SecondBody }, idempotencyKey: "revise-once");
        var other = await C.Member.ActOnVersionAsync(id, "revise", 2, new { body = "另一稿" }, idempotencyKey: "revise-once");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.Equal(3, Host.Scalar($"SELECT COUNT(*) FROM proposal_revisions WHERE proposal_id = {id}"));
    }

    [SkippableFact]
    public async Task Under_review_only_the_admin_revises_and_after_submit_the_text_is_frozen_as_the_government_reads_it()
    {
        var id = await DraftWithBodyAsync();
        await C.Member.ActAsync(id, "submit-for-review");

        Assert.Equal(HttpStatusCode.Forbidden, (await C.Member.ActOnVersionAsync(id, "revise", 3, new { body = SecondBody })).StatusCode);
        await C.PartyAdmin.ActAsync(id, "revise", new { body = SecondBody });
        Assert.Equal(HttpStatusCode.NotFound, (await Jiusan.ActOnVersionAsync(id, "revise", 4, new { body = "他党修改" })).StatusCode);
        await C.PartyAdmin.ActAsync(id, "submit");

        var refused = await ProblemAsync(await C.PartyAdmin.ActOnVersionAsync(id, "revise", 5, new { body = "报送后再改" }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("revise", refused.ToJsonString(), StringComparison.Ordinal);
        var seen = await C.Government.ProposalAsync(id);
        Assert.Equal(SecondBody, seen["body"]!.GetValue<string>());
        Assert.Equal(3, seen["revision"]!.GetValue<int>());
        var revisions = await ApiClient.JsonArray(await C.Government.GetAsync($"/api/proposals/{id}/revisions"), HttpStatusCode.OK);
        Assert.Equal(SecondBody, revisions[^1]!["body"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task A_revision_moves_the_draft_onto_another_topic_of_its_party_only()
    {
        var id = await C.DraftAsync();
        var ownTopic = await ApiClient.Json(await C.Committee.PostAsync("/api/topics", new
        {
            title = "养老服务课题", description = "社区养老", year = 2026, researchDeadline = "2026-08-31", assignedPartyIds = new[] { C.Org("minmeng") },
        }), HttpStatusCode.Created);
        var foreignTopic = await ApiClient.Json(await C.Committee.PostAsync("/api/topics", new
        {
            title = "科技创新课题", description = "科技成果转化", year = 2026, researchDeadline = "2026-08-31", assignedPartyIds = new[] { C.Org("jiusan") },
        }), HttpStatusCode.Created);

        var refused = await ProblemAsync(await C.Member.ActOnVersionAsync(id, "revise", 1, new { topicId = foreignTopic["id"]!.GetValue<long>() }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("data.topicId", Errors(refused).Keys);
        var missing = await ProblemAsync(await C.Member.ActOnVersionAsync(id, "revise", 1, new { topicId = 999_999 }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("data.topicId", Errors(missing).Keys);

        var moved = await C.Member.ActAsync(id, "revise", new { topicId = ownTopic["id"]!.GetValue<long>() });
        Assert.Equal(ownTopic["id"]!.GetValue<long>(), moved["topicId"]!.GetValue<long>());
        // The research step is due at the new topic's deadline.
        Assert.Contains(moved["openTasks"]!.AsArray(), t => t!["dueDate"]!.GetValue<string>() == "2026-08-31");
    }

    [SkippableFact]
    public async Task The_party_withdraws_until_the_government_decides_and_a_withdrawn_draft_stays_private()
    {
        var draft = await C.DraftAsync("撤回的草稿");
        var submitted = await C.SubmittedAsync("撤回的报送件");
        var adopted = await C.AdoptedAsync();

        Assert.Equal(HttpStatusCode.Forbidden, (await C.Member.ActOnVersionAsync(draft, "withdraw", 1, new { reason = "重新选题" })).StatusCode);
        var missingReason = await ProblemAsync(await C.PartyAdmin.ActOnVersionAsync(draft, "withdraw", 1, new { }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("data.reason", Errors(missingReason).Keys);
        var closedDraft = await C.PartyAdmin.ActAsync(draft, "withdraw", new { reason = "重新选题" });
        var closedSubmitted = await C.PartyAdmin.ActAsync(submitted, "withdraw", new { reason = "情况已变化" });
        var tooLate = await C.PartyAdmin.ActOnVersionAsync(adopted, "withdraw", Chain.Version(await C.PartyAdmin.ProposalAsync(adopted)), new { reason = "太晚了" });

        Assert.Equal("closed-withdrawn", Chain.State(closedDraft));
        Assert.False(closedDraft["isOpen"]!.GetValue<bool>());
        Assert.Empty(closedDraft["openTasks"]!.AsArray());
        Assert.Equal("closed-withdrawn", Chain.State(closedSubmitted));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLate.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await C.Government.GetAsync($"/api/proposals/{draft}")).StatusCode);
        Assert.Equal("closed-withdrawn", Chain.State(await C.Government.ProposalAsync(submitted)));
        var listed = await C.Government.GetJsonAsync("/api/proposals?state=closed-withdrawn");
        Assert.Equal([submitted], listed["items"]!.AsArray().Select(i => i!["id"]!.GetValue<long>()));
        // The government is told of a withdrawn submission; nobody outside the party hears of a withdrawn draft.
        Assert.True(Host.Scalar($"SELECT COUNT(*) FROM notifications WHERE proposal_id = {submitted} AND kind = 'withdraw' AND organization_id IS NULL") > 0);
        Assert.Equal(0, Host.Scalar($"SELECT COUNT(*) FROM notifications WHERE proposal_id = {draft} AND (organization_id IS NULL OR organization_id <> {C.Org("minmeng")})"));
    }

    [SkippableFact]
    public async Task An_invited_party_reads_the_draft_and_submit_waits_until_it_answers()
    {
        var id = await DraftWithBodyAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await Jiusan.GetAsync($"/api/proposals/{id}")).StatusCode);

        var ownParty = await ProblemAsync(await C.PartyAdmin.ActOnVersionAsync(id, "invite-cosigner", 2, new { partyId = C.Org("minmeng") }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("data.partyId", Errors(ownParty).Keys);
        var department = await ProblemAsync(await C.PartyAdmin.ActOnVersionAsync(id, "invite-cosigner", 2, new { partyId = C.Org("fgj") }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("data.partyId", Errors(department).Keys);
        Assert.Equal(HttpStatusCode.Forbidden, (await C.Member.ActOnVersionAsync(id, "invite-cosigner", 2, new { partyId = C.Org("jiusan") })).StatusCode);
        var invited = await C.PartyAdmin.ActAsync(id, "invite-cosigner", new { partyId = C.Org("jiusan") });
        Assert.Equal("invited", invited["cosigners"]![0]!["status"]!.GetValue<string>());
        var twice = await ProblemAsync(await C.PartyAdmin.ActOnVersionAsync(id, "invite-cosigner", 3, new { partyId = C.Org("jiusan") }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("data.partyId", Errors(twice).Keys);

        var seen = await Jiusan.ProposalAsync(id);
        Assert.Equal(FirstBody, seen["body"]!.GetValue<string>());
        Assert.Equal(["accept-cosign", "decline-cosign"], Chain.Allowed(seen).Order(StringComparer.Ordinal));
        Assert.True(Host.Scalar($"SELECT COUNT(*) FROM notifications WHERE proposal_id = {id} AND kind = 'invite-cosigner' AND organization_id = {C.Org("jiusan")}") > 0);

        var refused = await ProblemAsync(await C.PartyAdmin.ActOnVersionAsync(id, "submit", 3), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("九三学社", refused["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("submit", Chain.Allowed(await C.PartyAdmin.ProposalAsync(id)));

        await Jiusan.ActAsync(id, "accept-cosign", new { reason = "同意联名" });
        var submitted = await C.PartyAdmin.ActAsync(id, "submit");
        Assert.Equal("government-review", Chain.State(submitted));
        Assert.Equal("accepted", submitted["cosigners"]![0]!["status"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task A_party_that_declines_no_longer_sees_the_draft_and_may_be_asked_again()
    {
        var id = await DraftWithBodyAsync();
        await C.PartyAdmin.ActAsync(id, "invite-cosigner", new { partyId = C.Org("jiusan") });
        await Jiusan.ActAsync(id, "decline-cosign", new { reason = "本党派另有安排" });

        Assert.Equal(HttpStatusCode.NotFound, (await Jiusan.GetAsync($"/api/proposals/{id}")).StatusCode);
        Assert.Equal(0, (await Jiusan.GetJsonAsync("/api/proposals"))["total"]!.GetValue<int>());
        var again = await C.PartyAdmin.ActAsync(id, "invite-cosigner", new { partyId = C.Org("jiusan") });
        Assert.Equal("invited", again["cosigners"]![0]!["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await Jiusan.GetAsync($"/api/proposals/{id}")).StatusCode);
    }

    [SkippableFact]
    public async Task A_cosigning_party_sees_the_item_as_its_own_and_records_its_own_evaluation_while_the_lead_decides()
    {
        var id = await DraftWithBodyAsync();
        await C.PartyAdmin.ActAsync(id, "invite-cosigner", new { partyId = C.Org("jiusan") });
        await Jiusan.ActAsync(id, "accept-cosign");
        await C.PartyAdmin.ActAsync(id, "submit");
        await C.Government.ActAsync(id, "adopt", new { partly = false, leadDepartmentId = C.Org("fgj") });
        await C.Lead.ActAsync(id, "sign");
        await C.RecordContactAsync(id);
        await C.Lead.ActAsync(id, "reply", new { text = "已出台若干措施", category = "A" });

        var listed = await Jiusan.GetJsonAsync($"/api/proposals?organizationId={C.Org("jiusan")}");
        Assert.Equal([id], listed["items"]!.AsArray().Select(i => i!["id"]!.GetValue<long>()));
        Assert.Equal(HttpStatusCode.OK, (await Jiusan.GetAsync($"/api/proposals/{id}/history")).StatusCode);
        // The reply is told to the party's admins: the co-signing party's as well.
        Assert.True(Host.Scalar($"SELECT COUNT(*) FROM notifications WHERE proposal_id = {id} AND kind = 'reply' AND organization_id = {C.Org("jiusan")}") > 0);

        var offered = Chain.Allowed(await Jiusan.ProposalAsync(id));
        Assert.Equal(["evaluate-as-cosigner"], offered);
        Assert.Equal(HttpStatusCode.Forbidden, (await Jiusan.ActOnVersionAsync(id, "evaluate", Chain.Version(await Jiusan.ProposalAsync(id)), new { rating = "satisfied" })).StatusCode);
        var rated = await Jiusan.ActAsync(id, "evaluate-as-cosigner", new { rating = "basically-satisfied" });
        Assert.Equal("evaluation", Chain.State(rated));
        Assert.Equal("basically-satisfied", rated["cosigners"]![0]!["rating"]!.GetValue<string>());
        var twice = await Jiusan.ActOnVersionAsync(id, "evaluate-as-cosigner", Chain.Version(rated), new { rating = "satisfied" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, twice.StatusCode);

        var closed = await C.PartyAdmin.ActAsync(id, "evaluate", new { rating = "satisfied" });
        Assert.Equal("closed", Chain.State(closed));
    }

    [SkippableFact]
    public async Task A_joint_proposal_counts_for_each_of_its_parties_and_once_in_the_totals()
    {
        var joint = await DraftWithBodyAsync();
        await C.PartyAdmin.ActAsync(joint, "invite-cosigner", new { partyId = C.Org("jiusan") });
        await Jiusan.ActAsync(joint, "accept-cosign");
        await C.PartyAdmin.ActAsync(joint, "submit");
        await C.Government.ActAsync(joint, "adopt", new { partly = false, leadDepartmentId = C.Org("fgj") });
        await C.SubmittedAsync("民盟单独报送的调研报告");

        // Worked out by hand: two reports, one of them joint; 民盟 is on both, 九三学社 on the joint one, which was adopted.
        var all = await C.Committee.GetJsonAsync("/api/stats?year=2026");
        Assert.Equal(2, all["total"]!["reportsSubmitted"]!.GetValue<int>());
        Assert.Equal(1, all["total"]!["jointProposals"]!.GetValue<int>());
        Assert.Equal(1, all["total"]!["decisions"]!["adopted"]!.GetValue<int>());
        JsonNode Row(JsonObject stats, string code) => stats["byParty"]!.AsArray().Single(r => r!["organization"]!["code"]!.GetValue<string>() == code)!["figures"]!;
        Assert.Equal(2, Row(all, "minmeng")["reportsSubmitted"]!.GetValue<int>());
        Assert.Equal(1, Row(all, "minmeng")["jointProposals"]!.GetValue<int>());
        Assert.Equal(1, Row(all, "jiusan")["reportsSubmitted"]!.GetValue<int>());
        Assert.Equal(1, Row(all, "jiusan")["jointProposals"]!.GetValue<int>());
        Assert.Equal(1, Row(all, "jiusan")["decisions"]!["adopted"]!.GetValue<int>());
        // The department's figures count the item once.
        var fgj = all["byDepartment"]!.AsArray().Single(r => r!["organization"]!["code"]!.GetValue<string>() == "fgj")!["figures"]!;
        Assert.Equal(1, fgj["itemsAssigned"]!.GetValue<int>());

        var own = await Jiusan.GetJsonAsync("/api/stats?year=2026");
        Assert.Equal(1, own["total"]!["reportsSubmitted"]!.GetValue<int>());
        Assert.Equal(1, own["total"]!["jointProposals"]!.GetValue<int>());
    }
}
