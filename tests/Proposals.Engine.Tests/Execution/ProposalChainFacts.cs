using Proposals.Engine.Definitions;
using Proposals.Engine.Execution;

namespace Proposals.Engine.Tests.Execution;

/// <summary>A proposal walked from draft to closed through the shipped definition, checking what each step opens, closes and schedules.</summary>
public class ProposalChainFacts
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    private static DateTimeOffset Utc(int month, int day, int hour) => new(2025, month, day, hour, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_proposal_goes_from_draft_to_closed_opening_and_closing_each_task_on_the_way()
    {
        var run = new Scenario();
        var opened = new List<TaskOpening>();
        var closed = new List<TaskClosing>();
        void Record(Transition t)
        {
            opened.AddRange(t.OpenedTasks);
            closed.AddRange(t.ClosedTasks);
        }

        Record(run.Create());
        Assert.Equal("draft", run.Item.State);
        Record(run.Do(People.PartyMember(), "submit-for-review"));
        Assert.Equal("party-review", run.Item.State);
        Record(run.Do(People.PartyAdmin(), "submit"));
        Assert.Equal("government-review", run.Item.State);

        run.Now = new DateTimeOffset(2025, 3, 5, 10, 0, 0, Shanghai);
        Record(run.Adopt(Orgs.Fgj, Orgs.Jyj, Orgs.Zjj));
        Assert.Equal("implementation", run.Item.State);
        Assert.Equal(new DateOnly(2025, 6, 5), run.Item.ItemDueDate);

        run.Now = new DateTimeOffset(2025, 3, 6, 10, 0, 0, Shanghai);
        Record(run.Do(People.Department(Orgs.Fgj), "sign"));
        Record(run.Do(People.Department(Orgs.Jyj), "sign"));
        Record(run.Do(People.Department(Orgs.Zjj), "sign"));
        Assert.All(run.Item.Assignments, a => Assert.NotNull(a.SignedAt));

        run.Now = new DateTimeOffset(2025, 4, 1, 10, 0, 0, Shanghai);
        Record(run.Do(People.Department(Orgs.Jyj), "give-opinion", """{ "text": "同意主办单位方案" }"""));
        Record(run.Do(People.Department(Orgs.Zjj), "give-opinion", """{ "text": "配合做好用地保障" }"""));
        Record(run.Do(People.Department(Orgs.Fgj), "record-progress", """{ "text": "已完成调研", "percent": 60 }"""));
        Assert.Equal("implementation", run.Item.State);

        run.Now = new DateTimeOffset(2025, 5, 6, 10, 0, 0, Shanghai);
        Record(run.Do(People.Department(Orgs.Fgj), "reply", """{ "text": "已基本解决", "category": "A" }"""));
        Assert.Equal("evaluation", run.Item.State);

        run.Now = new DateTimeOffset(2025, 5, 8, 10, 0, 0, Shanghai);
        Record(run.Do(People.PartyAdmin(), "evaluate", """{ "rating": "satisfied", "attitudeRating": "satisfied" }"""));

        Assert.Equal("closed", run.Item.State);
        Assert.Empty(run.Item.OpenTasks);
        Assert.Equal(1, run.Item.Round);
        string[] expected = ["research", "party-review", "decide", "sign", "sign", "sign", "opinion", "opinion", "reply", "evaluate"];
        Assert.Equal(expected, opened.Select(t => t.TaskId));
        Assert.Equal(expected.Order(StringComparer.Ordinal), closed.Select(t => t.TaskId).Order(StringComparer.Ordinal));
        Assert.Equal(
            [(long)Orgs.Minmeng, Orgs.Minmeng, Orgs.Government, Orgs.Fgj, Orgs.Jyj, Orgs.Zjj, Orgs.Jyj, Orgs.Zjj, Orgs.Fgj, Orgs.Minmeng],
            opened.Select(t => t.OrganizationId));
    }

    [Fact]
    public void Creating_a_draft_opens_the_research_task_for_the_party_at_version_one()
    {
        var run = new Scenario();

        var transition = run.Create();

        Assert.Null(transition.Before);
        Assert.Equal(1, transition.After.Version);
        Assert.Equal("draft", transition.After.State);
        Assert.Equal("create", transition.Audit.Action);
        var research = Assert.Single(transition.OpenedTasks);
        Assert.Equal(("research", Orgs.Minmeng), (research.TaskId, research.OrganizationId));
        Assert.Equal([Roles.PartyMember, Roles.PartyAdmin], research.Roles);
        // A self-chosen proposal has no topic deadline, so nothing to remind about.
        Assert.Null(research.DueDate);
        Assert.Empty(research.Reminders);
    }

    [Fact]
    public void A_draft_on_a_topic_is_due_on_the_topic_deadline_with_reminders_before_it()
    {
        var run = new Scenario();

        var research = Assert.Single(run.Create(topicId: 7, topicDeadline: new DateOnly(2025, 6, 30)).OpenedTasks);

        Assert.Equal(new DateOnly(2025, 6, 30), research.DueDate);
        Assert.Equal(Utc(6, 30, 16), research.DueAt);
        // 14 and 3 calendar days before, at 09:00 Shanghai; 27 June is a Friday.
        Assert.Equal(
            [("reminder", Utc(6, 16, 1)), ("reminder", Utc(6, 27, 1)), ("overdue", Utc(6, 30, 16))],
            research.Reminders.Select(r => (r.Level, r.DueAt)));
        // The definition also names the committee, but nobody outside the party hears of a draft (see PartyOnlyFacts).
        Assert.Equal([new Recipient(Orgs.Minmeng, null, Roles.PartyAdmin)], research.Reminders[2].Recipients);
    }

    [Fact]
    public void Only_a_member_or_admin_of_the_party_itself_may_start_its_draft()
    {
        var run = new Scenario();
        var stranger = People.Department(Orgs.Fgj);

        var outcome = WorkflowEngine.Start(run.Definition, stranger, new NewProposal(Orgs.Minmeng, null, null, "标题", null, null), run.Context);
        var otherParty = WorkflowEngine.Start(run.Definition, People.PartyMember(Orgs.Jiusan), new NewProposal(Orgs.Minmeng, null, null, "标题", null, null), run.Context);

        Assert.Equal(RefusalKind.Forbidden, outcome.Refusal!.Kind);
        Assert.Equal(RefusalKind.Forbidden, otherParty.Refusal!.Kind);
    }

    [Fact]
    public void A_draft_needs_a_title_within_its_limit()
    {
        var run = new Scenario();

        var untitled = WorkflowEngine.Start(run.Definition, People.PartyMember(), new NewProposal(Orgs.Minmeng, null, null, "  ", null, null), run.Context);
        var tooLong = WorkflowEngine.Start(run.Definition, People.PartyMember(), new NewProposal(Orgs.Minmeng, null, null, new string('题', 201), new string('摘', 2001), null), run.Context);

        Assert.Equal(RefusalKind.InvalidData, untitled.Refusal!.Kind);
        Assert.Equal(["title"], untitled.Refusal.FieldErrors.Keys);
        Assert.Equal(["summary", "title"], tooLong.Refusal!.FieldErrors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Submitting_opens_the_decision_for_the_government_due_twenty_working_days_later()
    {
        var run = Scenario.Drafted();

        var transition = run.Do(People.PartyAdmin(), "submit");

        var research = Assert.Single(transition.ClosedTasks);
        Assert.Equal(("research", "submit"), (research.TaskId, research.Reason));
        var decide = Assert.Single(transition.OpenedTasks);
        Assert.Equal(("decide", Orgs.Government), (decide.TaskId, decide.OrganizationId));
        // Submitted on Monday 3 March (still 2 March in UTC): four working weeks later.
        Assert.Equal(new DateOnly(2025, 3, 31), decide.DueDate);
        Assert.Equal(Utc(3, 31, 16), decide.DueAt);
        var reminder = decide.Reminders[0];
        Assert.Equal(("reminder", Utc(3, 24, 1)), (reminder.Level, reminder.DueAt));
        Assert.Equal([new Recipient(Orgs.Government, null, Roles.Government)], reminder.Recipients);
        var overdue = decide.Reminders[1];
        Assert.Equal(("overdue", Utc(3, 31, 16)), (overdue.Level, overdue.DueAt));
        Assert.Equal(
            [new Recipient(null, OrganizationKind.Government, Roles.Government), new Recipient(null, OrganizationKind.Supervision, Roles.Supervisor)],
            overdue.Recipients);
        Assert.Contains(transition.Notifications, n => n.Kind == "submit" && n.Recipient == new Recipient(null, OrganizationKind.Government, Roles.Government));
        Assert.Contains(transition.Notifications, n => n.Kind == "task-opened" && n.Recipient == new Recipient(Orgs.Government, null, Roles.Government));
    }

    [Fact]
    public void Adopting_assigns_the_departments_and_opens_signing_opinions_and_the_reply()
    {
        var run = Scenario.InGovernmentReview();

        var transition = run.Adopt(Orgs.Fgj, Orgs.Jyj, Orgs.Zjj);

        Assert.Equal(("decide", "adopt"), (Assert.Single(transition.ClosedTasks).TaskId, transition.ClosedTasks[0].Reason));
        Assert.Equal(
            [("sign", Orgs.Fgj), ("sign", Orgs.Jyj), ("sign", Orgs.Zjj), ("opinion", Orgs.Jyj), ("opinion", Orgs.Zjj), ("reply", Orgs.Fgj)],
            transition.OpenedTasks.Select(t => (t.TaskId, t.OrganizationId)));
        Assert.Equal([(Orgs.Fgj, true), (Orgs.Jyj, false), (Orgs.Zjj, false)], run.Item.Assignments.Select(a => (a.OrganizationId, a.IsLead)));
        Assert.All(run.Item.Assignments, a => Assert.Equal(run.Now, a.AssignedAt));
        // Three working days to sign, from Monday 3 March.
        Assert.All(transition.OpenedTasks.Where(t => t.TaskId == "sign"), t => Assert.Equal(new DateOnly(2025, 3, 6), t.DueDate));
        // Twenty working days before the three-month deadline of 3 June.
        Assert.All(transition.OpenedTasks.Where(t => t.TaskId == "opinion"), t => Assert.Equal(new DateOnly(2025, 5, 6), t.DueDate));
        Assert.Equal(new DateOnly(2025, 6, 3), transition.OpenedTasks.Single(t => t.TaskId == "reply").DueDate);
        Assert.Equal("adopt", transition.Audit.Action);
        Assert.Equal(Orgs.Fgj, (long)transition.Audit.Data["leadDepartmentId"]!);
    }

    [Fact]
    public void The_reply_is_due_on_the_date_the_government_set()
    {
        var run = Scenario.InGovernmentReview();

        var transition = run.Do(People.Government(), "adopt", """{ "leadDepartmentId": 20, "dueDate": "2025-04-30", "partly": true, "instruction": "请抓紧办理" }""");

        Assert.Equal(new DateOnly(2025, 4, 30), run.Item.ItemDueDate);
        Assert.Equal(new DateOnly(2025, 4, 30), transition.OpenedTasks.Single(t => t.TaskId == "reply").DueDate);
        Assert.True((bool)transition.Audit.Data["partly"]!);
    }

    [Fact]
    public void The_reply_task_is_reminded_thirty_seven_and_one_days_before_and_escalates_blue_yellow_red()
    {
        var run = Scenario.InGovernmentReview();

        var reply = run.Adopt(Orgs.Fgj, Orgs.Jyj).OpenedTasks.Single(t => t.TaskId == "reply");

        Assert.Equal(new DateOnly(2025, 6, 3), reply.DueDate);
        Assert.Equal(Utc(6, 3, 16), reply.DueAt);
        Assert.Equal(
            [
                // 30 days before is Sunday 4 May, so the reminder moves back to Friday 2 May.
                ("reminder", Utc(5, 2, 1), false),
                ("reminder", Utc(5, 27, 1), false),
                ("reminder", Utc(6, 2, 1), false),
                ("blue", Utc(6, 3, 16), false),
                // Five and ten working days after the due date.
                ("yellow", Utc(6, 10, 16), false),
                ("red", Utc(6, 17, 16), true),
            ],
            reply.Reminders.Select(r => (r.Level, r.DueAt, r.FlagKey)));
        var lead = new Recipient(Orgs.Fgj, null, Roles.Department);
        Assert.All(reply.Reminders.Take(3), r => Assert.Equal([lead], r.Recipients));
        Assert.Equal(1, reply.Reminders[3].Repeat?.Amount);
        Assert.Null(reply.Reminders[4].Repeat);
        Assert.Equal(
            [lead, new Recipient(null, OrganizationKind.Supervision, Roles.Supervisor), new Recipient(null, OrganizationKind.Government, Roles.Government), new Recipient(null, OrganizationKind.Committee, Roles.Committee)],
            reply.Reminders[5].Recipients);
    }

    [Fact]
    public void Signing_closes_only_the_signing_department_s_task()
    {
        var run = Scenario.Adopted();
        var signTask = run.OpenTask("sign", Orgs.Jyj);

        var transition = run.Do(People.Department(Orgs.Jyj), "sign");

        var closed = Assert.Single(transition.ClosedTasks);
        Assert.Equal((signTask.Id, "sign", "sign"), (closed.TaskRowId, closed.TaskId, closed.Reason));
        Assert.Empty(transition.OpenedTasks);
        Assert.Equal(run.Now, run.Item.ActiveAssignmentOf(Orgs.Jyj)!.SignedAt);
        Assert.Null(run.Item.ActiveAssignmentOf(Orgs.Fgj)!.SignedAt);
        Assert.Equal("implementation", run.Item.State);
    }

    [Fact]
    public void A_co_department_s_opinion_closes_its_opinion_task_and_tells_the_lead()
    {
        var run = Scenario.Adopted();
        run.SignAll();

        var transition = run.Do(People.Department(Orgs.Jyj), "give-opinion", """{ "text": "无异议" }""");

        Assert.Equal(("opinion", Orgs.Jyj), (Assert.Single(transition.ClosedTasks).TaskId, transition.ClosedTasks[0].OrganizationId));
        Assert.NotNull(run.Item.ActiveAssignmentOf(Orgs.Jyj)!.OpinionAt);
        var notice = Assert.Single(transition.Notifications);
        Assert.Equal(new Recipient(Orgs.Fgj, null, Roles.Department), notice.Recipient);
        Assert.Contains("教育局", notice.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Replying_opens_the_party_s_evaluation_fifteen_working_days_out()
    {
        var run = Scenario.ReadyToReply();
        run.Now = new DateTimeOffset(2025, 4, 1, 10, 0, 0, Shanghai);

        var transition = run.Do(People.Department(Orgs.Fgj), "reply", """{ "text": "列入计划", "category": "B", "commitmentDate": "2025-12-31" }""");

        Assert.Equal("evaluation", run.Item.State);
        Assert.Equal(("reply", "reply"), (Assert.Single(transition.ClosedTasks).TaskId, transition.ClosedTasks[0].Reason));
        var evaluate = Assert.Single(transition.OpenedTasks);
        Assert.Equal(("evaluate", Orgs.Minmeng, new DateOnly(2025, 4, 22)), (evaluate.TaskId, evaluate.OrganizationId, evaluate.DueDate));
        Assert.Equal([Roles.PartyAdmin], evaluate.Roles);
        Assert.Contains(transition.Notifications, n => n.Kind == "reply" && n.Recipient == new Recipient(Orgs.Minmeng, null, Roles.PartyAdmin));
    }

    [Fact]
    public void Returning_a_draft_sends_it_back_to_the_members_with_the_reason()
    {
        var run = Scenario.Drafted();
        run.Do(People.PartyMember(), "submit-for-review");

        var transition = run.Do(People.PartyAdmin(), "return-draft", """{ "reason": "数据需更新" }""");

        Assert.Equal("draft", run.Item.State);
        Assert.Equal("research", Assert.Single(transition.OpenedTasks).TaskId);
        var notice = Assert.Single(transition.Notifications, n => n.Kind == "return-draft");
        Assert.Equal(new Recipient(Orgs.Minmeng, null, Roles.PartyMember), notice.Recipient);
        Assert.Contains("数据需更新", notice.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("keep-for-reference", "{}", "closed-reference")]
    [InlineData("reject", """{ "reason": "不符合实际" }""", "closed-not-adopted")]
    public void A_report_not_adopted_closes_with_no_task_left(string action, string data, string finalState)
    {
        var run = Scenario.InGovernmentReview();

        var transition = run.Do(People.Government(), action, data);

        Assert.Equal(finalState, run.Item.State);
        Assert.Empty(run.Item.OpenTasks);
        Assert.Empty(transition.OpenedTasks);
        Assert.Empty(run.Allowed(People.Supervisor()));
    }

    [Fact]
    public void The_audit_entry_records_who_did_what_from_where_to_where()
    {
        var run = Scenario.Adopted();

        var transition = run.Do(People.Department(Orgs.Jyj), "return-assignment", """{ "reason": "  不属于本单位职责  " }""", "  请改交他处  ");

        var audit = transition.Audit;
        Assert.Equal(("return-assignment", "implementation", "reassignment"), (audit.Action, audit.FromState, audit.ToState));
        Assert.Equal((People.Department(Orgs.Jyj).UserId, Orgs.Jyj), (audit.ActorUserId, audit.OrganizationId));
        Assert.Equal("请改交他处", audit.Comment);
        Assert.Equal("不属于本单位职责", (string)audit.Data["reason"]!);
    }
}
