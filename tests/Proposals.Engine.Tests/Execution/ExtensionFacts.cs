using Proposals.Engine.Definitions;
using Proposals.Engine.Execution;

namespace Proposals.Engine.Tests.Execution;

/// <summary>The lead asks for more time (申请延期); the government grants or refuses it.</summary>
public class ExtensionFacts
{
    private const string AskForJuly = """{ "newDueDate": "2025-07-03", "reason": "需协调省级部门" }""";

    private static DateTimeOffset Utc(int month, int day, int hour) => new(2025, month, day, hour, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Requesting_an_extension_opens_a_decision_task_for_the_government()
    {
        var run = Scenario.Adopted();

        var transition = run.Do(People.Department(Orgs.Fgj), "request-extension", AskForJuly);

        Assert.Equal(new ExtensionRequest(new DateOnly(2025, 7, 3), "需协调省级部门", run.Now), run.Item.PendingExtension);
        Assert.Equal(new DateOnly(2025, 6, 3), run.Item.ItemDueDate);
        Assert.Empty(transition.ClosedTasks);
        var decide = Assert.Single(transition.OpenedTasks);
        Assert.Equal(("decide-extension", Orgs.Government, new DateOnly(2025, 3, 10)), (decide.TaskId, decide.OrganizationId, decide.DueDate));
        Assert.Equal([Roles.Government], decide.Roles);
        Assert.Contains(transition.Notifications, n => n.Kind == "task-opened" && n.Recipient == new Recipient(Orgs.Government, null, Roles.Government));
    }

    [Fact]
    public void Granting_moves_the_item_deadline_and_reschedules_the_reply()
    {
        var run = Scenario.Adopted();
        run.Do(People.Department(Orgs.Fgj), "request-extension", AskForJuly);
        var oldReply = run.OpenTask("reply", Orgs.Fgj);
        var decision = run.OpenTask("decide-extension", Orgs.Government);

        var transition = run.Do(People.Government(), "grant-extension", """{ "reason": "同意" }""");

        Assert.Equal(new DateOnly(2025, 7, 3), run.Item.ItemDueDate);
        Assert.Null(run.Item.PendingExtension);
        Assert.Contains(transition.ClosedTasks, c => c.TaskRowId == oldReply.Id && c.Reason == "rescheduled");
        Assert.Contains(transition.ClosedTasks, c => c.TaskRowId == decision.Id && c.Reason == "grant-extension");
        var reply = Assert.Single(transition.OpenedTasks, t => t.TaskId == "reply");
        Assert.Equal((Orgs.Fgj, new DateOnly(2025, 7, 3), Utc(7, 3, 16)), (reply.OrganizationId, reply.DueDate, reply.DueAt));
        Assert.Equal(Utc(6, 3, 1), reply.Reminders[0].DueAt);
        Assert.Equal(new DateOnly(2025, 7, 3), run.OpenTask("reply", Orgs.Fgj).DueDate);
        Assert.Contains(transition.Notifications, n => n.Kind == "grant-extension" && n.Recipient == new Recipient(Orgs.Fgj, null, Roles.Department));
        Assert.Contains(transition.Notifications, n => n.Kind == "grant-extension" && n.Recipient.OrganizationKind == OrganizationKind.Supervision);
    }

    [Fact]
    public void Granting_also_moves_the_co_departments_opinion_deadline()
    {
        var run = Scenario.Adopted();
        run.Do(People.Department(Orgs.Fgj), "request-extension", AskForJuly);

        var transition = run.Do(People.Government(), "grant-extension");

        // Twenty working days before 3 July.
        Assert.Equal(
            [(Orgs.Jyj, new DateOnly(2025, 6, 5)), (Orgs.Zjj, new DateOnly(2025, 6, 5))],
            transition.OpenedTasks.Where(t => t.TaskId == "opinion").Select(t => (t.OrganizationId, t.DueDate!.Value)));
        Assert.Equal(2, transition.ClosedTasks.Count(c => c.TaskId == "opinion" && c.Reason == "rescheduled"));
    }

    [Fact]
    public void Refusing_keeps_the_deadline_and_the_reply_task()
    {
        var run = Scenario.Adopted();
        run.Do(People.Department(Orgs.Fgj), "request-extension", AskForJuly);
        var reply = run.OpenTask("reply", Orgs.Fgj);

        var transition = run.Do(People.Government(), "refuse-extension", """{ "reason": "期限内可完成" }""");

        Assert.Equal(new DateOnly(2025, 6, 3), run.Item.ItemDueDate);
        Assert.Null(run.Item.PendingExtension);
        var closed = Assert.Single(transition.ClosedTasks);
        Assert.Equal(("decide-extension", "refuse-extension"), (closed.TaskId, closed.Reason));
        Assert.Empty(transition.OpenedTasks);
        Assert.Same(reply, run.OpenTask("reply", Orgs.Fgj));
        var notice = Assert.Single(transition.Notifications);
        Assert.Contains("期限内可完成", notice.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void A_second_request_while_one_is_pending_is_refused()
    {
        var run = Scenario.Adopted();
        run.Do(People.Department(Orgs.Fgj), "request-extension", AskForJuly);

        var refusal = run.Refused(People.Department(Orgs.Fgj), "request-extension", """{ "newDueDate": "2025-08-01", "reason": "再延" }""");

        Assert.Equal(RefusalKind.NotAllowed, refusal.Kind);
        Assert.Equal(new DateOnly(2025, 7, 3), run.Item.PendingExtension!.NewDueDate);
    }

    [Fact]
    public void After_a_refusal_the_lead_may_ask_again()
    {
        var run = Scenario.Adopted();
        run.Do(People.Department(Orgs.Fgj), "request-extension", AskForJuly);
        run.Do(People.Government(), "refuse-extension");

        run.Do(People.Department(Orgs.Fgj), "request-extension", """{ "newDueDate": "2025-06-20", "reason": "只需两周" }""");

        Assert.Equal(new DateOnly(2025, 6, 20), run.Item.PendingExtension!.NewDueDate);
        run.OpenTask("decide-extension", Orgs.Government);
    }

    [Fact]
    public void The_new_date_must_be_later_than_the_current_deadline()
    {
        var run = Scenario.Adopted();

        var refusal = run.Refused(People.Department(Orgs.Fgj), "request-extension", """{ "newDueDate": "2025-06-03", "reason": "理由" }""");

        Assert.Equal(RefusalKind.InvalidData, refusal.Kind);
        Assert.Equal(["data.newDueDate"], refusal.FieldErrors.Keys);
        Assert.Null(run.Item.PendingExtension);
    }

    [Fact]
    public void Nothing_can_be_granted_or_refused_without_a_request()
    {
        var run = Scenario.Adopted();

        Assert.Equal(RefusalKind.NotAllowed, run.Refused(People.Government(), "grant-extension").Kind);
        Assert.Equal(RefusalKind.NotAllowed, run.Refused(People.Government(), "refuse-extension").Kind);
    }

    [Fact]
    public void The_lead_cannot_reply_while_its_extension_request_is_pending()
    {
        var run = Scenario.ReadyToReply();
        run.Do(People.Department(Orgs.Fgj), "request-extension", AskForJuly);

        Assert.Equal(RefusalKind.NotAllowed, run.Refused(People.Department(Orgs.Fgj), "reply", """{ "text": "答复", "category": "A" }""").Kind);
    }
}
