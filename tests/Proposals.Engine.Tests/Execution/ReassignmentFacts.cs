using Proposals.Engine.Execution;

namespace Proposals.Engine.Tests.Execution;

/// <summary>A department returns an assignment outside its remit (退回); the government assigns again.</summary>
public class ReassignmentFacts
{
    [Fact]
    public void Returning_an_assignment_closes_the_implementation_tasks_and_asks_the_government_to_reassign()
    {
        var run = Scenario.Adopted();
        var implementationTasks = run.Item.OpenTasks.Select(t => t.Id).ToList();

        var transition = run.Do(People.Department(Orgs.Zjj), "return-assignment", """{ "reason": "不属于本单位职责" }""");

        Assert.Equal("reassignment", run.Item.State);
        // Every open row is closed; the store cancels their pending reminders with them.
        Assert.Equal(implementationTasks.Order(), transition.ClosedTasks.Select(c => c.TaskRowId).Order());
        Assert.All(transition.ClosedTasks, c => Assert.Equal("return-assignment", c.Reason));
        var reassign = Assert.Single(transition.OpenedTasks);
        Assert.Equal(("reassign", Orgs.Government), (reassign.TaskId, reassign.OrganizationId));
        var returned = run.Item.Assignments.Single(a => a.OrganizationId == Orgs.Zjj);
        Assert.Equal((run.Now, "returned"), (returned.EndedAt!.Value, returned.EndReason));
        Assert.False(returned.IsActive);
        Assert.Contains(transition.Notifications, n => n.Kind == "return-assignment" && n.Recipient.OrganizationKind == OrganizationKind.Supervision);
    }

    [Fact]
    public void Reassigning_returns_to_implementation_with_the_new_departments()
    {
        var run = Scenario.Adopted();
        run.Do(People.Department(Orgs.Jyj), "sign");
        run.Do(People.Department(Orgs.Zjj), "return-assignment", """{ "reason": "不属于本单位职责" }""");
        run.Now = run.Now.AddDays(2);

        var transition = run.Do(People.Government(), "reassign", """{ "leadDepartmentId": 20, "coDepartmentIds": [21, 23] }""");

        Assert.Equal("implementation", run.Item.State);
        Assert.Equal("reassign", Assert.Single(transition.ClosedTasks).TaskId);
        Assert.Equal(
            [(Orgs.Fgj, true), (Orgs.Jyj, false), (Orgs.Swj, false)],
            run.Item.ActiveAssignments.Select(a => (a.OrganizationId, a.IsLead)).Order());
        Assert.Equal(
            [("sign", Orgs.Fgj), ("sign", Orgs.Swj), ("opinion", Orgs.Jyj), ("opinion", Orgs.Swj), ("reply", Orgs.Fgj)],
            transition.OpenedTasks.Select(t => (t.TaskId, t.OrganizationId)));
        // Three months from the reassignment on Wednesday 5 March.
        Assert.Equal(new DateOnly(2025, 6, 5), run.Item.ItemDueDate);
    }

    [Fact]
    public void A_department_that_stays_keeps_its_signature()
    {
        var run = Scenario.Adopted();
        run.Do(People.Department(Orgs.Jyj), "sign");
        var signedAt = run.Item.ActiveAssignmentOf(Orgs.Jyj)!.SignedAt;
        run.Do(People.Department(Orgs.Zjj), "return-assignment", """{ "reason": "不属于本单位职责" }""");

        run.Do(People.Government(), "reassign", """{ "leadDepartmentId": 20, "coDepartmentIds": [21] }""");

        Assert.Equal(signedAt, run.Item.ActiveAssignmentOf(Orgs.Jyj)!.SignedAt);
        Assert.DoesNotContain(run.Item.OpenTasks, t => t.TaskId == "sign" && t.OrganizationId == Orgs.Jyj);
        Assert.Equal(RefusalKind.NotAllowed, run.Refused(People.Department(Orgs.Jyj), "sign").Kind);
    }

    [Fact]
    public void A_department_left_out_of_the_new_assignment_is_ended_as_reassigned()
    {
        var run = Scenario.Adopted();
        run.Do(People.Department(Orgs.Fgj), "return-assignment", """{ "reason": "应由商务局主办" }""");
        Assert.Null(run.Item.Lead);

        run.Do(People.Government(), "reassign", """{ "leadDepartmentId": 23, "coDepartmentIds": [21], "dueDate": "2025-05-30" }""");

        Assert.Equal(Orgs.Swj, run.Item.Lead!.OrganizationId);
        var dropped = run.Item.Assignments.Single(a => a.OrganizationId == Orgs.Zjj);
        Assert.Equal("reassigned", dropped.EndReason);
        Assert.Equal("returned", run.Item.Assignments.Single(a => a.OrganizationId == Orgs.Fgj).EndReason);
        Assert.Equal(new DateOnly(2025, 5, 30), run.Item.ItemDueDate);
        Assert.Equal(new DateOnly(2025, 5, 30), run.OpenTask("reply", Orgs.Swj).DueDate);
    }

    [Fact]
    public void Returning_needs_a_reason()
    {
        var run = Scenario.Adopted();

        var refusal = run.Refused(People.Department(Orgs.Zjj), "return-assignment");

        Assert.Equal(["data.reason"], refusal.FieldErrors.Keys);
        Assert.Equal("implementation", run.Item.State);
    }
}
