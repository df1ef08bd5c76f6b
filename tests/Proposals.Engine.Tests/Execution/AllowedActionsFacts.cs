using Proposals.Engine.Execution;

namespace Proposals.Engine.Tests.Execution;

/// <summary>What a caller is offered now, judged on state, role, organisation and guards.</summary>
public class AllowedActionsFacts
{
    [Fact]
    public void A_party_member_may_send_a_draft_for_review_but_not_submit_it()
    {
        var run = Scenario.Drafted();

        var allowed = run.Allowed(People.PartyMember());

        Assert.Contains("submit-for-review", allowed);
        Assert.DoesNotContain("submit", allowed);
    }

    [Fact]
    public void A_party_admin_may_submit_the_draft_directly()
    {
        var run = Scenario.Drafted();

        Assert.Equal(["submit"], run.Allowed(People.PartyAdmin()));
        Assert.Empty(run.Allowed(People.PartyAdmin(Orgs.Jiusan)));
    }

    [Fact]
    public void The_supervisor_is_offered_unflag_only_once_flagged()
    {
        var run = Scenario.Drafted();
        Assert.Equal(["urge", "flag-key"], run.Allowed(People.Supervisor()));

        run.Do(People.Supervisor(), "flag-key");

        Assert.Equal(["urge", "unflag-key"], run.Allowed(People.Supervisor()));
    }

    [Fact]
    public void The_government_decides_in_review()
    {
        var run = Scenario.InGovernmentReview();

        Assert.Equal(["adopt", "keep-for-reference", "reject"], run.Allowed(People.Government()));
        Assert.Empty(run.Allowed(People.PartyAdmin()));
    }

    [Fact]
    public void The_lead_is_offered_the_reply_only_when_everyone_has_signed_and_every_opinion_is_in()
    {
        var run = Scenario.Adopted();
        var lead = People.Department(Orgs.Fgj);
        Assert.Equal(["sign", "return-assignment", "request-extension"], run.Allowed(lead));

        run.SignAll();
        Assert.Equal(["record-progress", "request-extension"], run.Allowed(lead));

        run.Do(People.Department(Orgs.Jyj), "give-opinion", """{ "text": "同意" }""");
        run.Do(People.Department(Orgs.Zjj), "give-opinion", """{ "text": "同意" }""");
        Assert.Equal(["record-progress", "request-extension", "reply"], run.Allowed(lead));
    }

    [Fact]
    public void A_co_department_is_offered_its_opinion_after_signing_and_no_more_after_giving_it()
    {
        var run = Scenario.Adopted();
        var co = People.Department(Orgs.Jyj);
        Assert.Equal(["sign", "return-assignment"], run.Allowed(co));

        run.Do(co, "sign");
        Assert.Equal(["give-opinion"], run.Allowed(co));

        run.Do(co, "give-opinion", """{ "text": "同意" }""");
        Assert.Empty(run.Allowed(co));
        Assert.Empty(run.Allowed(People.Department(Orgs.Swj)));
    }

    [Fact]
    public void The_government_is_offered_the_extension_decision_only_while_a_request_is_pending()
    {
        var run = Scenario.Adopted();
        Assert.Empty(run.Allowed(People.Government()));

        run.Do(People.Department(Orgs.Fgj), "request-extension", """{ "newDueDate": "2025-07-03", "reason": "需要时间" }""");

        Assert.Equal(["grant-extension", "refuse-extension"], run.Allowed(People.Government()));
        Assert.DoesNotContain("request-extension", run.Allowed(People.Department(Orgs.Fgj)));
    }

    [Fact]
    public void Nobody_is_offered_anything_on_a_closed_item()
    {
        var run = Scenario.InEvaluation();
        run.Do(People.PartyAdmin(), "evaluate", """{ "rating": "satisfied" }""");

        Assert.All(
            [People.PartyAdmin(), People.PartyMember(), People.Government(), People.Department(Orgs.Fgj), People.Supervisor(), People.Committee()],
            actor => Assert.Empty(run.Allowed(actor)));
    }
}
