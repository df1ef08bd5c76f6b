using Proposals.Engine.Execution;

namespace Proposals.Engine.Tests.Execution;

/// <summary>Who may act: the role first, then whether the item is the caller's organisation's.</summary>
public class PermissionFacts
{
    [Fact]
    public void Another_party_s_admin_cannot_submit_the_draft()
    {
        var run = Scenario.Drafted();

        var refusal = run.Refused(People.PartyAdmin(Orgs.Jiusan), "submit");

        Assert.Equal(RefusalKind.Forbidden, refusal.Kind);
        Assert.Contains("民盟市委会", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_party_member_cannot_submit_to_the_government()
    {
        var run = Scenario.Drafted();

        Assert.Equal(RefusalKind.Forbidden, run.Refused(People.PartyMember(), "submit").Kind);
    }

    [Fact]
    public void Only_the_government_can_adopt()
    {
        var run = Scenario.InGovernmentReview();

        Assert.Equal(RefusalKind.Forbidden, run.Refused(People.Committee(), "adopt", """{ "leadDepartmentId": 20 }""").Kind);
        Assert.Equal(RefusalKind.Forbidden, run.Refused(People.Department(Orgs.Fgj), "adopt", """{ "leadDepartmentId": 20 }""").Kind);
    }

    [Fact]
    public void A_department_not_assigned_cannot_sign()
    {
        var run = Scenario.Adopted();

        var refusal = run.Refused(People.Department(Orgs.Swj), "sign");

        Assert.Equal(RefusalKind.Forbidden, refusal.Kind);
    }

    [Fact]
    public void A_co_department_cannot_reply()
    {
        var run = Scenario.ReadyToReply();

        var refusal = run.Refused(People.Department(Orgs.Jyj), "reply", """{ "text": "答复", "category": "A" }""");

        Assert.Equal(RefusalKind.Forbidden, refusal.Kind);
    }

    [Fact]
    public void The_lead_cannot_give_a_co_department_opinion()
    {
        var run = Scenario.Adopted();
        run.SignAll();

        Assert.Equal(RefusalKind.Forbidden, run.Refused(People.Department(Orgs.Fgj), "give-opinion", """{ "text": "意见" }""").Kind);
    }

    [Fact]
    public void A_co_department_cannot_record_progress_or_ask_for_an_extension()
    {
        var run = Scenario.Adopted();
        run.SignAll();

        Assert.Equal(RefusalKind.Forbidden, run.Refused(People.Department(Orgs.Zjj), "record-progress", """{ "text": "进展" }""").Kind);
        Assert.Equal(RefusalKind.Forbidden, run.Refused(People.Department(Orgs.Zjj), "request-extension", """{ "newDueDate": "2025-09-01", "reason": "需要时间" }""").Kind);
    }

    [Fact]
    public void Another_party_cannot_evaluate_the_reply()
    {
        var run = Scenario.InEvaluation();

        Assert.Equal(RefusalKind.Forbidden, run.Refused(People.PartyAdmin(Orgs.Jiusan), "evaluate", """{ "rating": "satisfied" }""").Kind);
    }

    [Fact]
    public void A_department_whose_assignment_ended_can_no_longer_act_on_the_item()
    {
        var run = Scenario.Adopted();
        run.Do(People.Department(Orgs.Zjj), "return-assignment", """{ "reason": "非本单位职责" }""");
        run.Do(People.Government(), "reassign", """{ "leadDepartmentId": 20, "coDepartmentIds": [21] }""");

        Assert.Equal(RefusalKind.Forbidden, run.Refused(People.Department(Orgs.Zjj), "sign").Kind);
    }

    [Fact]
    public void Only_the_supervisor_may_urge()
    {
        var run = Scenario.Adopted();

        Assert.Equal(RefusalKind.Forbidden, run.Refused(People.Government(), "urge", """{ "message": "请抓紧" }""").Kind);
    }
}
