using Proposals.Engine.Definitions;
using Proposals.Engine.Execution;

namespace Proposals.Engine.Tests.Execution;

/// <summary>
/// The chain's third version: leader instructions, the lead department's plan and milestones, its contact with the
/// party, B-class commitments after the item closes, and a second round that asks again. Dates are worked out by hand
/// on the weekends-only calendar from Monday 3 March 2025, 07:00 in Shanghai.
/// </summary>
public class ImplementationWorkFacts
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    private static Actor Lead => People.Department(Orgs.Fgj);

    private static Actor Co => People.Department(Orgs.Jyj);

    private static Scenario Adopted(Func<WorkflowDefinition, WorkflowDefinition>? change = null)
    {
        var run = new Scenario(definitionFile: RepositoryFiles.ThirdDefinitionFileName, change: change);
        run.Create();
        run.Do(People.PartyAdmin(), "submit");
        run.Adopt(Orgs.Fgj, Orgs.Jyj);
        return run;
    }

    private static Scenario Signed(Func<WorkflowDefinition, WorkflowDefinition>? change = null)
    {
        var run = Adopted(change);
        run.SignAll();
        return run;
    }

    /// <summary>Signed, the co-department's opinion given and the lead's contact recorded: the lead may reply.</summary>
    private static Scenario ReadyToReply()
    {
        var run = Signed();
        run.Do(Co, "give-opinion", """{ "text": "教育局意见" }""");
        run.Do(Lead, "record-contact", """{ "contactDate": "2025-03-03", "method": "meeting", "people": "民盟市委会调研组", "text": "面商办理思路" }""");
        return run;
    }

    private const string TwoMilestones = """
        { "text": "分两步落实", "milestones": [ { "title": "完成调研", "dueDate": "2025-03-21" }, { "title": "出台方案", "dueDate": "2025-04-07" } ] }
        """;

    [Fact]
    public void The_third_version_keeps_every_state_and_action_of_the_second()
    {
        var second = new Scenario(definitionFile: RepositoryFiles.NextDefinitionFileName).Definition;
        var third = new Scenario(definitionFile: RepositoryFiles.ThirdDefinitionFileName).Definition;

        Assert.Equal(3, third.Version);
        Assert.All(second.States, s => Assert.Equal(s.Name, third.State(s.Id).Name));
        foreach (var action in second.Actions)
        {
            var same = third.FindAction(action.Id)!;
            Assert.Equal(action.From, same.From);
            Assert.Equal(action.To, same.To);
            Assert.Equal(action.Roles, same.Roles);
        }
        Assert.Equal(["all-signed", "all-opinions-given", "no-extension-pending", "contact-recorded"], third.FindAction("reply")!.Guards);
        Assert.Equal(["instruct", "plan", "complete-milestone", "record-contact", "set-round-deadline", "fulfil"],
            third.Actions.Select(a => a.Id).Except(second.Actions.Select(a => a.Id)));
    }

    [Fact]
    public void The_government_instructs_from_its_review_on_and_nobody_else_does()
    {
        var run = new Scenario(definitionFile: RepositoryFiles.ThirdDefinitionFileName);
        run.Create();
        Assert.Equal(RefusalKind.NotAllowed, run.Refused(People.Government(), "instruct", """{ "text": "请抓紧" }""").Kind);
        run.Do(People.PartyAdmin(), "submit");

        var instructed = run.Do(People.Government(), "instruct", """{ "text": "请发改局牵头研究", "leader": "常务副市长" }""");

        Assert.Equal("government-review", instructed.After.State);
        Assert.Equal("请发改局牵头研究", instructed.Audit.Data["text"]!.GetValue<string>());
        Assert.Equal("常务副市长", instructed.Audit.Data["leader"]!.GetValue<string>());
        Assert.Contains(instructed.Notifications, n => n.Recipient.OrganizationKind == OrganizationKind.Supervision);
        var missing = run.Refused(People.Government(), "instruct", """{ "leader": "市长" }""");
        Assert.Equal(["data.text"], missing.FieldErrors.Keys);
        Assert.Equal(RefusalKind.Forbidden, run.Refused(People.Supervisor(), "instruct", """{ "text": "x" }""").Kind);

        run.Adopt(Orgs.Fgj);
        Assert.Contains("instruct", run.Allowed(People.Government()));
        Assert.DoesNotContain("instruct", run.Allowed(Lead));
    }

    [Fact]
    public void A_plan_opens_one_task_per_milestone_with_its_own_reminders_and_rung()
    {
        var run = Signed();

        var planned = run.Do(Lead, "plan", TwoMilestones);

        Assert.Equal(1, planned.After.PlanVersion);
        Assert.Equal("分两步落实", planned.After.PlanText);
        Assert.Equal([1, 2], planned.After.Milestones.Select(m => m.Number));
        Assert.Equal(0, planned.After.ProgressPercent);
        var first = Assert.Single(planned.OpenedTasks, t => t.Subject == 1);
        Assert.Equal("milestone", first.TaskId);
        Assert.Equal(Orgs.Fgj, first.OrganizationId);
        Assert.Equal("办理节点：完成调研", first.Name);
        Assert.Equal(new DateOnly(2025, 3, 21), first.DueDate);
        // 7 days before Friday 21 March is Friday 14 March; 1 day before is Thursday 20 March; at 09:00 in Shanghai.
        // Overdue from the start of Saturday 22 March.
        Assert.Equal(
            [("reminder", new DateTimeOffset(2025, 3, 14, 9, 0, 0, Shanghai)), ("reminder", new DateTimeOffset(2025, 3, 20, 9, 0, 0, Shanghai)), ("overdue", new DateTimeOffset(2025, 3, 22, 0, 0, 0, Shanghai))],
            first.Reminders.Select(r => (r.Level, r.DueAt)));
        var second = Assert.Single(planned.OpenedTasks, t => t.Subject == 2);
        // 1 day before Monday 7 April is a Sunday: the reminder comes on the Friday before.
        Assert.Equal(
            [new DateTimeOffset(2025, 3, 31, 9, 0, 0, Shanghai), new DateTimeOffset(2025, 4, 4, 9, 0, 0, Shanghai), new DateTimeOffset(2025, 4, 8, 0, 0, 0, Shanghai)],
            second.Reminders.Select(r => r.DueAt));
        Assert.Equal(1, planned.Audit.Data["milestones"]![0]!["id"]!.GetValue<int>());
        Assert.Equal(1, planned.Audit.Data["planVersion"]!.GetValue<int>());
    }

    [Fact]
    public void Only_the_signed_lead_department_plans_and_its_milestones_are_checked()
    {
        var run = Adopted();
        Assert.Equal(RefusalKind.NotAllowed, run.Refused(Lead, "plan", TwoMilestones).Kind);
        run.SignAll();
        Assert.Equal(RefusalKind.Forbidden, run.Refused(Co, "plan", TwoMilestones).Kind);

        Assert.Equal(["data.milestones"], run.Refused(Lead, "plan", """{ "text": "方案", "milestones": [] }""").FieldErrors.Keys);
        var many = string.Join(",", Enumerable.Range(1, 21).Select(i => $$"""{ "title": "节点{{i}}", "dueDate": "2025-06-30" }"""));
        Assert.Contains("21", run.Refused(Lead, "plan", $$"""{ "text": "方案", "milestones": [{{many}}] }""").FieldErrors["data.milestones"][0]);
        var bad = run.Refused(Lead, "plan", """
            { "text": "方案", "milestones": [ { "title": " ", "dueDate": "2025-06-30" }, { "title": "调研", "dueDate": "2025-02-30" }, { "title": "x", "dueDate": "2025-03-01" }, { "title": "y", "dueDate": "2025-05-01", "owner": "张三" } ] }
            """);
        Assert.Equal(["data.milestones[0].title", "data.milestones[1].dueDate", "data.milestones[3].owner"], bad.FieldErrors.Keys.Order(StringComparer.Ordinal));
        var past = run.Refused(Lead, "plan", """{ "text": "方案", "milestones": [ { "title": "调研", "dueDate": "2025-03-01" } ] }""");
        Assert.Contains("2025-03-01", past.FieldErrors["data.milestones[0].dueDate"][0]);
        Assert.Equal(["data.milestones"], run.Refused(Lead, "plan", """{ "text": "方案", "milestones": "调研" }""").FieldErrors.Keys);
    }

    [Fact]
    public void Completing_a_milestone_closes_its_task_and_moves_the_progress()
    {
        var run = Signed();
        run.Do(Lead, "plan", TwoMilestones);

        var done = run.Do(Lead, "complete-milestone", """{ "milestoneId": 1, "text": "调研报告已完成" }""");

        var closed = Assert.Single(done.ClosedTasks);
        Assert.Equal(("milestone", "complete-milestone"), (closed.TaskId, closed.Reason));
        Assert.Equal(50, done.After.ProgressPercent);
        Assert.Equal("完成调研", done.Audit.Data["title"]!.GetValue<string>());
        Assert.Equal(2, Assert.Single(run.Item.OpenTasks, t => t.TaskId == "milestone").Subject);

        Assert.Contains("已于", run.Refused(Lead, "complete-milestone", """{ "milestoneId": 1, "text": "再次" }""").FieldErrors["data.milestoneId"][0]);
        Assert.Contains("不存在", run.Refused(Lead, "complete-milestone", """{ "milestoneId": 9, "text": "x" }""").FieldErrors["data.milestoneId"][0]);
        Assert.Equal(RefusalKind.Forbidden, run.Refused(Co, "complete-milestone", """{ "milestoneId": 2, "text": "x" }""").Kind);

        // A percentage the department records is what the item shows from then on.
        Assert.Equal(80, run.Do(Lead, "record-progress", """{ "text": "基本完成", "percent": 80 }""").After.ProgressPercent);
        Assert.Equal(80, run.Do(Lead, "complete-milestone", """{ "milestoneId": 2, "text": "方案已出台" }""").After.ProgressPercent);
        Assert.Equal(RefusalKind.NotAllowed, run.Refused(Lead, "complete-milestone", """{ "milestoneId": 2, "text": "x" }""").Kind);
    }

    [Fact]
    public void A_new_plan_cancels_the_open_milestones_of_the_old_one_and_numbers_on()
    {
        var run = Signed();
        run.Do(Lead, "plan", TwoMilestones);
        run.Do(Lead, "complete-milestone", """{ "milestoneId": 1, "text": "调研报告已完成" }""");
        var oldTask = run.OpenTask("milestone", Orgs.Fgj);

        var replaced = run.Do(Lead, "plan", """{ "text": "调整后的方案", "milestones": [ { "title": "试点", "dueDate": "2025-05-09" }, { "title": "推广", "dueDate": "2025-06-30" }, { "title": "总结", "dueDate": "2025-07-31" } ] }""");

        Assert.Equal(2, replaced.After.PlanVersion);
        Assert.Equal(oldTask.Id, Assert.Single(replaced.ClosedTasks).TaskRowId);
        Assert.Equal("plan", replaced.ClosedTasks[0].Reason);
        Assert.Equal([3, 4, 5], replaced.OpenedTasks.Select(t => t.Subject!.Value));
        Assert.NotNull(replaced.After.Milestones.Single(m => m.Number == 1).CompletedAt);
        Assert.NotNull(replaced.After.Milestones.Single(m => m.Number == 2).CancelledAt);
        Assert.Equal(0, replaced.After.ProgressPercent);
        Assert.Contains("已被替换", run.Refused(Lead, "complete-milestone", """{ "milestoneId": 2, "text": "x" }""").FieldErrors["data.milestoneId"][0]);
    }

    [Fact]
    public void The_reply_waits_for_the_lead_departments_contact_with_the_party()
    {
        var run = Signed();
        run.Do(Co, "give-opinion", """{ "text": "教育局意见" }""");
        Assert.DoesNotContain("reply", run.Allowed(Lead));
        Assert.Contains("沟通联系", run.Refused(Lead, "reply", """{ "text": "已解决", "category": "A" }""").Message);

        // A co-department's contact is kept but does not answer for the reply; a contact in the future is not a record.
        run.Do(Co, "record-contact", """{ "contactDate": "2025-03-03", "method": "phone", "text": "电话沟通" }""");
        Assert.DoesNotContain("reply", run.Allowed(Lead));
        Assert.Contains("2025-03-04", run.Refused(Lead, "record-contact", """{ "contactDate": "2025-03-04", "method": "visit", "text": "走访" }""").FieldErrors["data.contactDate"][0]);
        Assert.Equal(["data.method"], run.Refused(Lead, "record-contact", """{ "contactDate": "2025-03-03", "method": "wechat", "text": "x" }""").FieldErrors.Keys);

        var contact = run.Do(Lead, "record-contact", """{ "contactDate": "2025-03-01", "method": "meeting", "people": "民盟市委会调研组", "text": "面商" }""");
        Assert.Equal(1, contact.After.ContactRound);
        Assert.Equal("meeting", contact.Audit.Data["method"]!.GetValue<string>());
        Assert.Equal("evaluation", run.Do(Lead, "reply", """{ "text": "已解决", "category": "A" }""").After.State);
    }

    [Fact]
    public void A_city_that_does_not_ask_for_contact_removes_the_guard_from_its_definition()
    {
        static WorkflowDefinition WithoutContact(WorkflowDefinition d) => d with
        {
            Actions = d.Actions.Select(a => a.Id == "reply" ? a with { Guards = a.Guards.Where(g => g != Guards.ContactRecorded).ToList() } : a).ToList(),
        };
        var run = Signed(WithoutContact);
        run.Do(Co, "give-opinion", """{ "text": "教育局意见" }""");

        Assert.Equal("evaluation", run.Do(Lead, "reply", """{ "text": "已解决", "category": "A" }""").After.State);
    }

    [Fact]
    public void A_B_reply_leaves_a_commitment_watched_after_the_item_closes_until_it_is_fulfilled()
    {
        var run = ReadyToReply();

        var reply = run.Do(Lead, "reply", """{ "text": "列入明年计划", "category": "B", "commitmentDate": "2025-09-30", "commitment": "年内建成两个示范点" }""");

        var commitment = Assert.Single(reply.After.Commitments);
        Assert.Equal((1, 1, Orgs.Fgj, "年内建成两个示范点", new DateOnly(2025, 9, 30)), (commitment.Number, commitment.Round, commitment.OrganizationId, commitment.Text, commitment.DueDate));
        Assert.Equal(1, reply.Audit.Data["commitmentId"]!.GetValue<int>());
        var task = Assert.Single(reply.OpenedTasks, t => t.TaskId == "commitment");
        Assert.Equal((Orgs.Fgj, 1, new DateOnly(2025, 9, 30)), (task.OrganizationId, task.Subject!.Value, task.DueDate!.Value));
        // 30 days before Tuesday 30 September is a Sunday, so Friday 29 August; 7 days before is Tuesday 23 September; 1 day
        // before is Monday 29 September. The reply's ladder after: blue from Wednesday 1 October, yellow 5 working days
        // after the date (Tuesday 7 October) so from the 8th, red 10 working days after (Tuesday 14 October) so from the 15th.
        Assert.Equal(
            [
                ("reminder", new DateTimeOffset(2025, 8, 29, 9, 0, 0, Shanghai)), ("reminder", new DateTimeOffset(2025, 9, 23, 9, 0, 0, Shanghai)),
                ("reminder", new DateTimeOffset(2025, 9, 29, 9, 0, 0, Shanghai)), ("blue", new DateTimeOffset(2025, 10, 1, 0, 0, 0, Shanghai)),
                ("yellow", new DateTimeOffset(2025, 10, 8, 0, 0, 0, Shanghai)), ("red", new DateTimeOffset(2025, 10, 15, 0, 0, 0, Shanghai)),
            ],
            task.Reminders.Select(r => (r.Level, r.DueAt)));

        var closed = run.Do(People.PartyAdmin(), "evaluate", """{ "rating": "satisfied" }""");
        Assert.Equal("closed", closed.After.State);
        Assert.DoesNotContain(closed.ClosedTasks, c => c.TaskId == "commitment");
        Assert.Equal("commitment", Assert.Single(run.Item.OpenTasks).TaskId);

        Assert.Equal(["fulfil"], run.Allowed(Lead));
        Assert.Empty(run.Allowed(Co));
        Assert.Equal(RefusalKind.NotAllowed, run.Refused(Co, "fulfil", """{ "commitmentId": 1, "text": "x" }""").Kind);
        Assert.Equal(["data.text"], run.Refused(Lead, "fulfil", """{ "commitmentId": 1 }""").FieldErrors.Keys);
        Assert.Contains("不存在", run.Refused(Lead, "fulfil", """{ "commitmentId": 7, "text": "x" }""").FieldErrors["data.commitmentId"][0]);

        run.Now = new DateTimeOffset(2025, 9, 1, 10, 0, 0, Shanghai);
        var fulfilled = run.Do(Lead, "fulfil", """{ "commitmentId": 1, "text": "两个示范点已建成" }""");
        Assert.Equal("closed", fulfilled.After.State);
        Assert.Equal(run.Now, fulfilled.After.Commitments[0].FulfilledAt);
        Assert.Equal("commitment", Assert.Single(fulfilled.ClosedTasks).TaskId);
        Assert.Contains(fulfilled.Notifications, n => n.Recipient is { OrganizationId: Orgs.Minmeng, Role: Roles.PartyAdmin });
        Assert.Empty(run.Item.OpenTasks);
        Assert.Equal(RefusalKind.NotAllowed, run.Refused(Lead, "fulfil", """{ "commitmentId": 1, "text": "x" }""").Kind);
    }

    [Fact]
    public void Other_replies_leave_no_commitment_and_other_closed_items_allow_nothing()
    {
        var run = ReadyToReply();
        var reply = run.Do(Lead, "reply", """{ "text": "已解决", "category": "A" }""");
        Assert.Empty(reply.After.Commitments);
        run.Do(People.PartyAdmin(), "evaluate", """{ "rating": "satisfied" }""");
        Assert.Empty(run.Item.OpenTasks);
        Assert.Empty(run.Allowed(Lead));
        Assert.Equal(RefusalKind.NotAllowed, run.Refused(Lead, "record-progress", """{ "text": "x" }""").Kind);
    }

    [Fact]
    public void A_second_round_asks_the_co_departments_again_under_a_deadline_the_government_may_set()
    {
        var run = ReadyToReply();
        Assert.Equal(RefusalKind.NotAllowed, run.Refused(People.Government(), "set-round-deadline", """{ "dueDate": "2025-05-30" }""").Kind);
        run.Do(Lead, "reply", """{ "text": "暂缓", "category": "C" }""");

        var back = run.Do(People.PartyAdmin(), "evaluate", """{ "rating": "not-satisfied", "reason": "措施不具体" }""");

        Assert.Equal(("implementation", 2), (back.After.State, back.After.Round));
        Assert.Null(back.After.ActiveAssignmentOf(Orgs.Jyj)!.OpinionAt);
        Assert.Contains(back.OpenedTasks, t => t.TaskId == "opinion" && t.OrganizationId == Orgs.Jyj);
        var reply = Assert.Single(back.OpenedTasks, t => t.TaskId == "reply");
        // One month from Monday 3 March: Thursday 3 April.
        Assert.Equal(new DateOnly(2025, 4, 3), reply.DueDate);
        var refused = run.Refused(Lead, "reply", """{ "text": "补充", "category": "A" }""");
        Assert.Contains("教育局", refused.Message);

        var moved = run.Do(People.Government(), "set-round-deadline", """{ "dueDate": "2025-05-30", "reason": "需跨年度协调" }""");
        Assert.Equal(new DateOnly(2025, 5, 30), moved.After.ItemDueDate);
        Assert.Equal(new DateOnly(2025, 5, 30), Assert.Single(moved.OpenedTasks, t => t.TaskId == "reply").DueDate);
        Assert.Contains(moved.ClosedTasks, c => c.TaskId == "reply" && c.Reason == "rescheduled");
        Assert.Equal(["data.dueDate"], run.Refused(People.Government(), "set-round-deadline", """{ "dueDate": "2025-03-01" }""").FieldErrors.Keys);

        run.Do(Co, "give-opinion", """{ "text": "第二轮意见" }""");
        Assert.Contains("本轮", run.Refused(Lead, "reply", """{ "text": "补充", "category": "A" }""").Message);
        run.Do(Lead, "record-contact", """{ "contactDate": "2025-03-03", "method": "online", "text": "视频沟通" }""");
        Assert.Equal("evaluation", run.Do(Lead, "reply", """{ "text": "补充措施", "category": "A" }""").After.State);
    }
}
