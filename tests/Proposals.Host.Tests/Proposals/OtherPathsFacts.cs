using System.Net;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Proposals;

public sealed class OtherPathsFactsOnSqlite() : OtherPathsFacts(TestDatabases.Sqlite);

public sealed class OtherPathsFactsOnPostgres() : OtherPathsFacts(TestDatabases.Postgres);

public sealed class OtherPathsFactsOnSqlServer() : OtherPathsFacts(TestDatabases.SqlServer);

public abstract class OtherPathsFacts(Func<TestDatabase> database) : ChainFacts(database)
{
    [SkippableFact]
    public async Task Party_admin_returns_a_draft_with_a_reason_and_the_member_can_submit_it_again()
    {
        var id = await C.DraftAsync();
        await C.Member.ActAsync(id, "submit-for-review");
        var missing = await C.PartyAdmin.ActOnVersionAsync(id, "return-draft", 2);
        var problem = await ApiClient.Json(missing, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("data.reason", problem["errors"]!.AsObject().Select(e => e.Key));

        var returned = await C.PartyAdmin.ActAsync(id, "return-draft", new { reason = "数据来源需补充" });
        Assert.Equal("draft", Chain.State(returned));
        Assert.Equal("party-review", Chain.State(await C.Member.ActAsync(id, "submit-for-review")));
    }

    [SkippableFact]
    public async Task Reject_needs_a_reason_and_then_closes_the_item_as_not_adopted()
    {
        var id = await C.SubmittedAsync();
        var before = Host.RowCounts();
        var problem = await ApiClient.Json(await C.Government.ActOnVersionAsync(id, "reject", 3), HttpStatusCode.UnprocessableEntity);
        Assert.Equal(["必须填写不采纳理由"], problem["errors"]!["data.reason"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal(before, Host.RowCounts());

        var rejected = await C.Government.ActAsync(id, "reject", new { reason = "与现行政策重复" });
        Assert.Equal("closed-not-adopted", Chain.State(rejected));
        Assert.False(rejected["isOpen"]!.GetValue<bool>());
        Assert.Empty(rejected["openTasks"]!.AsArray());
    }

    [SkippableFact]
    public async Task Keep_for_reference_closes_the_item_without_a_reason()
    {
        var id = await C.SubmittedAsync();
        Assert.Equal("closed-reference", Chain.State(await C.Government.ActAsync(id, "keep-for-reference")));
    }

    [SkippableFact]
    public async Task A_department_returns_its_assignment_and_the_government_reassigns_it()
    {
        var id = await C.AdoptedAsync();
        await C.Co1.ActAsync(id, "sign");
        var returned = await C.Lead.ActAsync(id, "return-assignment", new { reason = "不属于本单位职责" });
        Assert.Equal("reassignment", Chain.State(returned));
        Assert.Equal(["reassign"], returned["openTasks"]!.AsArray().Select(t => t!["taskId"]!.GetValue<string>()));

        var reassigned = await C.Government.ActAsync(id, "reassign", new { leadDepartmentId = C.Org("swj"), coDepartmentIds = new[] { C.Org("jyj") } });
        Assert.Equal("implementation", Chain.State(reassigned));
        var active = reassigned["departments"]!.AsArray().Where(d => d!["active"]!.GetValue<bool>()).ToList();
        Assert.Equal(["jyj:co", "swj:lead"], active.Select(d => $"{d!["organization"]!["code"]}:{d["role"]}").Order());
        Assert.NotNull(active.Single(d => d!["organization"]!["code"]!.GetValue<string>() == "jyj")!["signedAt"]);

        // The department that returned it no longer holds a task, and the new lead does.
        var tasks = reassigned["openTasks"]!.AsArray().Select(t => $"{t!["taskId"]}:{t["organization"]!["code"]}").ToList();
        Assert.Contains("sign:swj", tasks);
        Assert.Contains("reply:swj", tasks);
        Assert.DoesNotContain(tasks, t => t.EndsWith(":fgj", StringComparison.Ordinal));
        // A department taken off the item no longer sees it, let alone acts on it.
        var lostAccess = await C.Lead.ActOnVersionAsync(id, "sign", Chain.Version(reassigned));
        Assert.Equal(HttpStatusCode.NotFound, lostAccess.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await C.Lead.GetAsync($"/api/proposals/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await C.Co2.GetAsync($"/api/proposals/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await C.Co1.GetAsync($"/api/proposals/{id}")).StatusCode);
    }

    [SkippableFact]
    public async Task An_extension_granted_moves_the_deadline_and_one_refused_keeps_it()
    {
        var id = await C.AdoptedAsync(dueDate: "2026-05-29");
        await C.Lead.ActAsync(id, "sign");
        var requested = await C.Lead.ActAsync(id, "request-extension", new { newDueDate = "2026-06-30", reason = "需跨年度统筹资金" });
        Assert.Equal("2026-06-30", requested["pendingExtension"]!["newDueDate"]!.GetValue<string>());
        Assert.Contains("grant-extension", Chain.Allowed(await C.Government.ProposalAsync(id)));
        var second = await C.Lead.ActOnVersionAsync(id, "request-extension", Chain.Version(requested), new { newDueDate = "2026-07-30", reason = "再延" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, second.StatusCode);

        var granted = await C.Government.ActAsync(id, "grant-extension", new { reason = "同意" });
        Assert.Equal("2026-06-30", granted["itemDueDate"]!.GetValue<string>());
        Assert.Null(granted["pendingExtension"]);
        Assert.Equal("2026-06-30", granted["openTasks"]!.AsArray().Single(t => t!["taskId"]!.GetValue<string>() == "reply")!["dueDate"]!.GetValue<string>());
        Assert.Equal(1, Host.Scalar($"SELECT COUNT(*) FROM tasks WHERE proposal_id = {id} AND task_id = 'reply' AND close_reason = 'rescheduled'"));

        await C.Lead.ActAsync(id, "request-extension", new { newDueDate = "2026-08-31", reason = "再次申请" });
        var refused = await C.Government.ActAsync(id, "refuse-extension", new { reason = "不同意" });
        Assert.Equal("2026-06-30", refused["itemDueDate"]!.GetValue<string>());
        Assert.Null(refused["pendingExtension"]);
    }

    [SkippableFact]
    public async Task The_lead_cannot_reply_before_a_co_department_gives_its_opinion_and_is_told_which()
    {
        var id = await C.AdoptedAsync();
        await C.Lead.ActAsync(id, "sign");
        await C.Co1.ActAsync(id, "sign");
        await C.Co2.ActAsync(id, "sign");
        await C.Co1.ActAsync(id, "give-opinion", new { text = "同意" });
        var current = await C.Lead.ProposalAsync(id);
        Assert.DoesNotContain("reply", Chain.Allowed(current));
        var before = Host.RowCounts();

        var refused = await ApiClient.Json(await C.Lead.ActOnVersionAsync(id, "reply", Chain.Version(current), new { text = "答复", category = "A" }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("住建局", refused["detail"]!.GetValue<string>());
        Assert.DoesNotContain("教育局", refused["detail"]!.GetValue<string>());
        Assert.Equal(before, Host.RowCounts());

        await C.Co2.ActAsync(id, "give-opinion", new { text = "同意" });
        await C.RecordContactAsync(id);
        Assert.Equal("evaluation", Chain.State(await C.Lead.ActAsync(id, "reply", new { text = "答复", category = "A" })));
    }

    [SkippableFact]
    public async Task Not_satisfied_sends_the_item_back_for_a_second_round_that_asks_the_co_departments_again_under_a_deadline_the_government_may_set()
    {
        var id = await C.RepliedAsync();
        var missingReason = await C.PartyAdmin.ActOnVersionAsync(id, "evaluate", Chain.Version(await C.PartyAdmin.ProposalAsync(id)), new { rating = "not-satisfied" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missingReason.StatusCode);

        await C.AdvanceAsync(TimeSpan.FromDays(10));
        var back = await C.PartyAdmin.ActAsync(id, "evaluate", new { rating = "not-satisfied", attitudeRating = "basically-satisfied", reason = "措施不具体" });
        Assert.Equal("implementation", Chain.State(back));
        Assert.Equal(2, back["round"]!.GetValue<int>());
        Assert.Equal("2026-04-13", back["itemDueDate"]!.GetValue<string>());
        var reply = back["openTasks"]!.AsArray().Single(t => t!["taskId"]!.GetValue<string>() == "reply")!;
        Assert.Equal("2026-04-13", reply["dueDate"]!.GetValue<string>());
        Assert.Equal(2, reply["round"]!.GetValue<int>());
        // The first round's opinions no longer count: both co-departments are asked again, and the lead speaks with the party again.
        Assert.Equal(["jyj", "zjj"], back["openTasks"]!.AsArray().Where(t => t!["taskId"]!.GetValue<string>() == "opinion")
            .Select(t => t!["organization"]!["code"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        var early = await ApiClient.Json(await C.Lead.ActOnVersionAsync(id, "reply", Chain.Version(back), new { text = "补充措施", category = "A" }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("教育局", early["detail"]!.GetValue<string>());

        var moved = await C.Government.ActAsync(id, "set-round-deadline", new { dueDate = "2026-05-29", reason = "需跨部门协调" });
        Assert.Equal("2026-05-29", moved["itemDueDate"]!.GetValue<string>());
        Assert.Equal("2026-05-29", moved["openTasks"]!.AsArray().Single(t => t!["taskId"]!.GetValue<string>() == "reply")!["dueDate"]!.GetValue<string>());
        await C.Co1.ActAsync(id, "give-opinion", new { text = "第二轮意见" });
        await C.Co2.ActAsync(id, "give-opinion", new { text = "第二轮意见" });
        var noContact = await ApiClient.Json(await C.Lead.ActOnVersionAsync(id, "reply", Chain.Version(await C.Lead.ProposalAsync(id)), new { text = "补充措施", category = "A" }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("本轮", noContact["detail"]!.GetValue<string>());
        await C.RecordContactAsync(id);

        await C.Lead.ActAsync(id, "reply", new { text = "补充措施", category = "B", commitmentDate = "2026-12-31" });
        Assert.Equal("closed", Chain.State(await C.PartyAdmin.ActAsync(id, "evaluate", new { rating = "satisfied" })));
    }

    [SkippableFact]
    public async Task The_supervisor_urges_and_flags_an_open_item_and_the_departments_are_told()
    {
        var id = await C.AdoptedAsync();
        await C.Supervisor.ActAsync(id, "urge", new { message = "请抓紧签收" });
        var flagged = await C.Supervisor.ActAsync(id, "flag-key", new { reason = "市领导关注" });
        Assert.True(flagged["keySupervision"]!.GetValue<bool>());
        Assert.DoesNotContain("flag-key", Chain.Allowed(flagged));
        Assert.Contains("unflag-key", Chain.Allowed(flagged));

        var inbox = await C.Co2.GetJsonAsync("/api/inbox");
        Assert.Contains(inbox["notifications"]!.AsArray(), n => n!["kind"]!.GetValue<string>() == "urge" && n["body"]!.GetValue<string>().Contains("请抓紧签收", StringComparison.Ordinal));
        Assert.Contains(inbox["tasks"]!.AsArray(), t => t!["proposalId"]!.GetValue<long>() == id && t["task"]!["taskId"]!.GetValue<string>() == "sign");
        var urged = await C.Supervisor.GetJsonAsync($"/api/proposals?keySupervision=true");
        Assert.Equal(1, urged["total"]!.GetValue<int>());
    }
}
