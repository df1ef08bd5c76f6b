using Proposals.Engine.Execution;

namespace Proposals.Engine.Tests.Execution;

/// <summary>Preconditions beyond role and scope, refused as not allowed now, with a message that says what is missing.</summary>
public class GuardFacts
{
    private const string Reply = """{ "text": "已解决", "category": "A" }""";

    [Fact]
    public void Lead_cannot_reply_before_every_co_department_gives_its_opinion()
    {
        var run = Scenario.Adopted();
        run.SignAll();
        run.Do(People.Department(Orgs.Jyj), "give-opinion", """{ "text": "同意" }""");

        var refusal = run.Refused(People.Department(Orgs.Fgj), "reply", Reply);

        Assert.Equal(RefusalKind.NotAllowed, refusal.Kind);
        Assert.Contains("住建局", refusal.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("教育局", refusal.Message, StringComparison.Ordinal);
        Assert.Equal("implementation", run.Item.State);
    }

    [Fact]
    public void The_refusal_names_every_co_department_still_owing_an_opinion()
    {
        var run = Scenario.Adopted();
        run.SignAll();

        var refusal = run.Refused(People.Department(Orgs.Fgj), "reply", Reply);

        Assert.Contains("教育局", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("住建局", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lead_cannot_reply_before_every_department_has_signed()
    {
        var run = Scenario.Adopted();
        run.Do(People.Department(Orgs.Fgj), "sign");
        run.Do(People.Department(Orgs.Zjj), "sign");

        var refusal = run.Refused(People.Department(Orgs.Fgj), "reply", Reply);

        Assert.Equal(RefusalKind.NotAllowed, refusal.Kind);
        Assert.Contains("教育局", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("尚未签收", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lead_without_co_departments_can_reply_once_it_has_signed()
    {
        var run = Scenario.InGovernmentReview();
        run.Adopt(Orgs.Fgj);
        Assert.Equal(RefusalKind.NotAllowed, run.Refused(People.Department(Orgs.Fgj), "reply", Reply).Kind);

        run.Do(People.Department(Orgs.Fgj), "sign");
        run.Do(People.Department(Orgs.Fgj), "reply", Reply);

        Assert.Equal("evaluation", run.Item.State);
    }

    [Fact]
    public void A_department_cannot_return_an_assignment_it_has_signed()
    {
        var run = Scenario.Adopted();
        run.Do(People.Department(Orgs.Jyj), "sign");

        var refusal = run.Refused(People.Department(Orgs.Jyj), "return-assignment", """{ "reason": "非本单位职责" }""");

        Assert.Equal(RefusalKind.NotAllowed, refusal.Kind);
    }

    [Fact]
    public void A_department_cannot_sign_twice()
    {
        var run = Scenario.Adopted();
        run.Do(People.Department(Orgs.Jyj), "sign");

        Assert.Equal(RefusalKind.NotAllowed, run.Refused(People.Department(Orgs.Jyj), "sign").Kind);
    }

    [Fact]
    public void A_co_department_gives_its_opinion_only_once_and_only_after_signing()
    {
        var run = Scenario.Adopted();
        Assert.Equal(RefusalKind.NotAllowed, run.Refused(People.Department(Orgs.Jyj), "give-opinion", """{ "text": "意见" }""").Kind);

        run.Do(People.Department(Orgs.Jyj), "sign");
        run.Do(People.Department(Orgs.Jyj), "give-opinion", """{ "text": "意见" }""");

        Assert.Equal(RefusalKind.NotAllowed, run.Refused(People.Department(Orgs.Jyj), "give-opinion", """{ "text": "再提意见" }""").Kind);
    }

    [Fact]
    public void The_lead_records_progress_only_after_signing()
    {
        var run = Scenario.Adopted();

        Assert.Equal(RefusalKind.NotAllowed, run.Refused(People.Department(Orgs.Fgj), "record-progress", """{ "text": "进展" }""").Kind);
    }

    [Fact]
    public void An_unknown_action_is_not_allowed()
    {
        var run = Scenario.Drafted();

        var refusal = run.Refused(People.PartyAdmin(), "publish");

        Assert.Equal(RefusalKind.NotAllowed, refusal.Kind);
        Assert.Contains("publish", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_action_of_another_state_is_not_allowed_even_for_its_role()
    {
        var run = Scenario.Drafted();

        var refusal = run.Refused(People.Government(), "adopt", """{ "leadDepartmentId": 20 }""");

        Assert.Equal(RefusalKind.NotAllowed, refusal.Kind);
        Assert.Contains("draft", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_closed_item_takes_no_further_action()
    {
        var run = Scenario.InEvaluation();
        run.Do(People.PartyAdmin(), "evaluate", """{ "rating": "basically-satisfied" }""");

        Assert.Equal("closed", run.Item.State);
        Assert.Equal(RefusalKind.NotAllowed, run.Refused(People.PartyAdmin(), "evaluate", """{ "rating": "not-satisfied", "reason": "改主意" }""").Kind);
    }
}
