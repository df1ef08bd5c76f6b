using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Proposals.Host.Jobs;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Proposals;

public sealed class ImplementationWorkFactsOnSqlite() : ImplementationWorkFacts(TestDatabases.Sqlite);

public sealed class ImplementationWorkFactsOnPostgres() : ImplementationWorkFacts(TestDatabases.Postgres);

public sealed class ImplementationWorkFactsOnSqlServer() : ImplementationWorkFacts(TestDatabases.SqlServer);

/// <summary>
/// The work inside implementation over HTTP (process.md, "The work inside each step"): leader instructions, the lead
/// department's plan with milestones that are deadlines of their own, its contact with the party before the reply, and
/// the commitment a B-class reply leaves behind. The host's clock starts on Monday 2 March 2026, 09:00 in Beijing.
/// </summary>
public abstract class ImplementationWorkFacts(Func<TestDatabase> database) : ChainFacts(database)
{
    private ScheduledJobs Jobs => Host.Services.GetRequiredService<ScheduledJobs>();

    private static readonly object TwoMilestones = new
    {
        text = "先调研后出台",
        milestones = new[] { new { title = "完成专题调研", dueDate = "2026-03-20" }, new { title = "出台实施方案", dueDate = "2026-04-30" } },
    };

    private async Task MoveToAsync(int month, int day, int hourUtc = 2) =>
        await C.AdvanceAsync(new DateTimeOffset(2026, month, day, hourUtc, 0, 0, TimeSpan.Zero) - Host.Clock.GetUtcNow());

    private long Notices(string kind, string code) =>
        Host.Scalar($"SELECT COUNT(*) FROM notifications WHERE kind = '{kind}' AND organization_id = {C.Org(code)}");

    private async Task<long> SignedAsync()
    {
        var id = await C.AdoptedAsync();
        await C.Lead.ActAsync(id, "sign");
        await C.Co1.ActAsync(id, "sign");
        await C.Co2.ActAsync(id, "sign");
        return id;
    }

    private static IEnumerable<JsonObject> Tasks(JsonObject item, string taskId) =>
        item["openTasks"]!.AsArray().Select(t => t!.AsObject()).Where(t => t["taskId"]!.GetValue<string>() == taskId);

    [SkippableFact]
    public async Task A_plan_shows_on_the_item_with_its_milestones_as_deadlines_and_completing_one_moves_the_progress()
    {
        var id = await SignedAsync();

        var planned = await C.Lead.ActAsync(id, "plan", TwoMilestones);

        var plan = planned["plan"]!;
        Assert.Equal(1, plan["version"]!.GetValue<int>());
        Assert.Equal("先调研后出台", plan["text"]!.GetValue<string>());
        Assert.Equal([(1, "完成专题调研", "2026-03-20", "open"), (2, "出台实施方案", "2026-04-30", "open")],
            plan["milestones"]!.AsArray().Select(m => (m!["id"]!.GetValue<int>(), m["title"]!.GetValue<string>(), m["dueDate"]!.GetValue<string>(), m["status"]!.GetValue<string>())));
        Assert.Equal(0, planned["progressPercent"]!.GetValue<int>());
        Assert.Equal([("办理节点：完成专题调研", "2026-03-20", "fgj"), ("办理节点：出台实施方案", "2026-04-30", "fgj")],
            Tasks(planned, "milestone").Select(t => (t["name"]!.GetValue<string>(), t["dueDate"]!.GetValue<string>(), t["organization"]!["code"]!.GetValue<string>())));

        var evidence = await UploadAsync(C.Lead, id, "调研报告.pdf");
        var done = await C.Lead.ActAsync(id, "complete-milestone", new { milestoneId = 1, text = "调研报告已形成", attachmentIds = new[] { evidence } });

        Assert.Equal(50, done["progressPercent"]!.GetValue<int>());
        Assert.Equal(["出台实施方案"], Tasks(done, "milestone").Select(t => t["name"]!.GetValue<string>().Replace("办理节点：", "", StringComparison.Ordinal)));
        Assert.Equal("completed", done["plan"]!["milestones"]![0]!["status"]!.GetValue<string>());
        var file = Assert.Single(done["attachments"]!.AsArray());
        Assert.Equal("complete-milestone", file!["boundAction"]!.GetValue<string>());
        Assert.Equal(1, Host.Scalar($"SELECT COUNT(*) FROM tasks WHERE proposal_id = {id} AND task_id = 'milestone' AND close_reason = 'complete-milestone' AND subject = 1"));

        var recorded = await C.Lead.ActAsync(id, "record-progress", new { text = "方案起草中", percent = 70 });
        Assert.Equal(70, recorded["progressPercent"]!.GetValue<int>());
    }

    [SkippableFact]
    public async Task A_replaced_plan_keeps_its_versions_cancels_its_open_milestones_and_their_reminders()
    {
        var id = await SignedAsync();
        await C.Lead.ActAsync(id, "plan", TwoMilestones);
        await C.Lead.ActAsync(id, "complete-milestone", new { milestoneId = 1, text = "调研报告已形成" });
        var pendingBefore = Host.Scalar($"SELECT COUNT(*) FROM reminders r JOIN tasks t ON t.id = r.task_row_id WHERE t.proposal_id = {id} AND t.subject = 2 AND r.status = 'pending'");
        Assert.True(pendingBefore >= 2);

        var replaced = await C.Lead.ActAsync(id, "plan", new { text = "调整为三步", milestones = new[] { new { title = "试点", dueDate = "2026-04-10" }, new { title = "推广", dueDate = "2026-05-29" } } });

        var plan = replaced["plan"]!;
        Assert.Equal(2, plan["version"]!.GetValue<int>());
        Assert.Equal([(1, "completed"), (2, "cancelled"), (3, "open"), (4, "open")],
            plan["milestones"]!.AsArray().Select(m => (m!["id"]!.GetValue<int>(), m["status"]!.GetValue<string>())));
        Assert.Equal([1, 2], plan["versions"]!.AsArray().Select(v => v!["version"]!.GetValue<int>()));
        Assert.Equal(["完成专题调研", "出台实施方案"], plan["versions"]![0]!["milestones"]!.AsArray().Select(m => m!["title"]!.GetValue<string>()));
        Assert.Equal(0, replaced["progressPercent"]!.GetValue<int>());
        Assert.Equal(0, Host.Scalar($"SELECT COUNT(*) FROM reminders r JOIN tasks t ON t.id = r.task_row_id WHERE t.proposal_id = {id} AND t.subject = 2 AND r.status = 'pending'"));
        Assert.Equal([3, 4], Tasks(replaced, "milestone").Select(t => (int)Host.Scalar($"SELECT subject FROM tasks WHERE id = {t["id"]!.GetValue<long>()}")));
    }

    [SkippableFact]
    public async Task Bad_plans_and_milestones_are_refused_field_by_field_and_change_nothing()
    {
        var id = await SignedAsync();
        var version = Chain.Version(await C.Lead.ProposalAsync(id));
        var before = Host.RowCounts();

        var none = await ApiClient.Json(await C.Lead.ActOnVersionAsync(id, "plan", version, new { text = "方案", milestones = Array.Empty<object>() }), HttpStatusCode.UnprocessableEntity);
        Assert.NotNull(none["errors"]!["data.milestones"]);
        var rows = await ApiClient.Json(await C.Lead.ActOnVersionAsync(id, "plan", version, new
        {
            text = "方案",
            milestones = new object[] { new { title = "", dueDate = "2026-04-01" }, new { title = "调研", dueDate = "2026-02-30" }, new { title = "过去", dueDate = "2026-03-01" }, "调研" },
        }), HttpStatusCode.UnprocessableEntity);
        Assert.Equal(["data.milestones[0].title", "data.milestones[1].dueDate", "data.milestones[3]"], rows["errors"]!.AsObject().Select(e => e.Key).Order(StringComparer.Ordinal));
        var past = await ApiClient.Json(await C.Lead.ActOnVersionAsync(id, "plan", version, new { text = "方案", milestones = new[] { new { title = "过去", dueDate = "2026-03-01" } } }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("2026-03-01", past["errors"]!["data.milestones[0].dueDate"]![0]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, (await C.Co1.ActOnVersionAsync(id, "plan", version, TwoMilestones)).StatusCode);
        var unknown = await ApiClient.Json(await C.Lead.ActOnVersionAsync(id, "complete-milestone", version, new { milestoneId = 1, text = "x" }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("节点", unknown["detail"]!.GetValue<string>());

        Assert.Equal(before, Host.RowCounts());
    }

    [SkippableFact]
    public async Task Milestones_are_reminded_before_their_date_and_escalated_after_it_to_the_department_and_the_supervisors()
    {
        var id = await SignedAsync();
        await C.Lead.ActAsync(id, "plan", TwoMilestones);

        // 7 days before Friday 20 March is Friday 13 March; the reminder goes out at 09:00 in Beijing (01:00 UTC).
        await MoveToAsync(3, 13, hourUtc: 0);
        await Jobs.DispatchRemindersAsync(CancellationToken.None);
        Assert.Equal(0, Notices("reminder-reminder", "fgj"));
        await MoveToAsync(3, 13, hourUtc: 2);
        await Jobs.DispatchRemindersAsync(CancellationToken.None);
        Assert.Equal(1, Notices("reminder-reminder", "fgj"));

        // Overdue from the start of Saturday 21 March in Beijing: Friday 16:00 UTC.
        await MoveToAsync(3, 20, hourUtc: 17);
        await Jobs.DispatchRemindersAsync(CancellationToken.None);
        await Jobs.SweepOverdueAsync(CancellationToken.None);
        Assert.Equal(1, Notices("reminder-overdue", "fgj"));
        Assert.Equal(1, Host.Scalar("SELECT COUNT(*) FROM notifications WHERE kind = 'reminder-overdue' AND organization_kind = 'supervision'"));
        var item = await C.Lead.ProposalAsync(id);
        Assert.True(item["plan"]!["milestones"]![0]!["overdue"]!.GetValue<bool>());
        Assert.True(Tasks(item, "milestone").First()["overdue"]!.GetValue<bool>());

        // Completed, it says nothing more.
        await C.Lead.ActAsync(id, "complete-milestone", new { milestoneId = 1, text = "已完成" });
        Assert.Equal(0, Host.Scalar($"SELECT COUNT(*) FROM reminders r JOIN tasks t ON t.id = r.task_row_id WHERE t.proposal_id = {id} AND t.subject = 1 AND r.status = 'pending'"));
    }

    [SkippableFact]
    public async Task Instructions_show_at_the_top_of_the_item_newest_first_with_the_one_given_at_adoption()
    {
        var id = await C.SubmittedAsync();
        await C.Government.ActAsync(id, "instruct", new { text = "请认真研究", leader = "市长" });
        await C.Government.ActAsync(id, "adopt", new { leadDepartmentId = C.Org("fgj"), instruction = "请发改局牵头办理" });
        var later = await C.Government.ActAsync(id, "instruct", new { text = "请于月底前报送进展", leader = "常务副市长" });

        Assert.Equal([("请于月底前报送进展", "常务副市长"), ("请发改局牵头办理", null), ("请认真研究", "市长")],
            later["instructions"]!.AsArray().Select(i => (i!["text"]!.GetValue<string>(), i["leader"]?.GetValue<string>())));
        var seenByLead = await C.Lead.ProposalAsync(id);
        Assert.Equal(3, seenByLead["instructions"]!.AsArray().Count);
        Assert.Equal(1, Notices("instruct", "fgj"));
        Assert.Equal(HttpStatusCode.Forbidden, (await C.Lead.ActOnVersionAsync(id, "instruct", Chain.Version(later), new { text = "x" })).StatusCode);
        var empty = await ApiClient.Json(await C.Government.ActOnVersionAsync(id, "instruct", Chain.Version(later), new { leader = "市长" }), HttpStatusCode.UnprocessableEntity);
        Assert.NotNull(empty["errors"]!["data.text"]);
    }

    [SkippableFact]
    public async Task Contact_with_the_party_is_recorded_and_the_reply_waits_for_the_lead_departments()
    {
        var id = await SignedAsync();
        await C.Co1.ActAsync(id, "give-opinion", new { text = "同意" });
        await C.Co2.ActAsync(id, "give-opinion", new { text = "同意" });
        await C.Co1.ActAsync(id, "record-contact", new { contactDate = "2026-03-02", method = "phone", text = "电话沟通协办意见" });
        var current = await C.Lead.ProposalAsync(id);
        Assert.DoesNotContain("reply", Chain.Allowed(current));
        var refused = await ApiClient.Json(await C.Lead.ActOnVersionAsync(id, "reply", Chain.Version(current), new { text = "答复", category = "A" }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("沟通联系", refused["detail"]!.GetValue<string>());
        var future = await ApiClient.Json(await C.Lead.ActOnVersionAsync(id, "record-contact", Chain.Version(current), new { contactDate = "2026-03-03", method = "visit", text = "走访" }), HttpStatusCode.UnprocessableEntity);
        Assert.NotNull(future["errors"]!["data.contactDate"]);

        var contacted = await C.Lead.ActAsync(id, "record-contact", new { contactDate = "2026-02-27", method = "meeting", people = "民盟市委会调研组", text = "当面商定分步落实" });

        Assert.Equal([("2026-03-02", "phone", "jyj", null), ("2026-02-27", "meeting", "fgj", "民盟市委会调研组")],
            contacted["contacts"]!.AsArray().Select(c => (c!["contactDate"]!.GetValue<string>(), c["method"]!.GetValue<string>(), c["organization"]!["code"]!.GetValue<string>(), c["people"]?.GetValue<string>())));
        Assert.Contains("reply", Chain.Allowed(contacted));
        Assert.Equal("evaluation", Chain.State(await C.Lead.ActAsync(id, "reply", new { text = "已出台措施", category = "A" })));
    }

    [SkippableFact]
    public async Task A_B_reply_leaves_a_commitment_that_is_reminded_and_escalated_after_the_item_closed_until_it_is_fulfilled()
    {
        var id = await C.ReadyToReplyAsync();
        var replied = await C.Lead.ActAsync(id, "reply", new { text = "列入明年计划", category = "B", commitmentDate = "2026-06-30", commitment = "年内建成两个示范点" });
        var commitment = Assert.Single(replied["commitments"]!.AsArray())!;
        Assert.Equal(("年内建成两个示范点", "2026-06-30", "open", "fgj"),
            (commitment["text"]!.GetValue<string>(), commitment["dueDate"]!.GetValue<string>(), commitment["status"]!.GetValue<string>(), commitment["department"]!["code"]!.GetValue<string>()));
        Assert.True(commitment["id"]!.GetValue<long>() > 0);
        var closed = await C.PartyAdmin.ActAsync(id, "evaluate", new { rating = "satisfied" });
        Assert.Equal("closed", Chain.State(closed));
        Assert.Equal("commitment", Assert.Single(closed["openTasks"]!.AsArray())!["taskId"]!.GetValue<string>());

        // 30 days before Tuesday 30 June is Sunday 31 May: the reminder comes on Friday 29 May at 09:00 in Beijing.
        await MoveToAsync(5, 29);
        await Jobs.DispatchRemindersAsync(CancellationToken.None);
        Assert.Equal(1, Notices("reminder-reminder", "fgj"));
        // Blue from the start of Wednesday 1 July in Beijing.
        await MoveToAsync(7, 1);
        await Jobs.DispatchRemindersAsync(CancellationToken.None);
        await Jobs.SweepOverdueAsync(CancellationToken.None);
        Assert.Equal(1, Notices("reminder-blue", "fgj"));
        var overdue = await C.Lead.ProposalAsync(id);
        Assert.Equal("overdue", overdue["commitments"]![0]!["status"]!.GetValue<string>());
        Assert.Equal(["fulfil"], Chain.Allowed(overdue));

        var fulfilled = await C.Lead.ActAsync(id, "fulfil", new { commitmentId = 1, text = "两个示范点已建成" });

        var done = fulfilled["commitments"]![0]!;
        Assert.Equal(("fulfilled", false), (done["status"]!.GetValue<string>(), done["fulfilledOnTime"]!.GetValue<bool>()));
        Assert.Empty(fulfilled["openTasks"]!.AsArray());
        Assert.Equal("closed", Chain.State(fulfilled));
        Assert.Equal(1, Notices("fulfil", "minmeng"));
        Assert.Equal(0, Host.Scalar($"SELECT COUNT(*) FROM reminders WHERE proposal_id = {id} AND status = 'pending'"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await C.Lead.ActOnVersionAsync(id, "fulfil", Chain.Version(fulfilled), new { commitmentId = 1, text = "再次" })).StatusCode);
    }

    private static async Task<long> UploadAsync(ApiClient user, long id, string name)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"));
        file.Headers.ContentType = MediaTypeHeaderValue.Parse("application/pdf");
        form.Add(file, "file", name);
        var created = await ApiClient.Json(await user.Http.PostAsync($"/api/proposals/{id}/attachments", form), HttpStatusCode.Created);
        return created["id"]!.GetValue<long>();
    }
}
