using Proposals.Engine.Definitions;
using Proposals.Engine.Execution;

namespace Proposals.Engine.Tests.Execution;

/// <summary>The supervision office urges (催办) and flags key items (重点督办) in any open state.</summary>
public class SupervisionFacts
{
    private const string Urge = """{ "message": "请于本周内办结" }""";

    [Fact]
    public void Urging_notifies_the_organisations_that_have_open_tasks()
    {
        var run = Scenario.Adopted();
        run.SignAll();
        run.Do(People.Department(Orgs.Jyj), "give-opinion", """{ "text": "同意" }""");

        var transition = run.Do(People.Supervisor(), "urge", Urge);

        // The lead owes the reply and 住建局 its opinion; 教育局 owes nothing any more.
        Assert.Equal(
            [new Recipient(Orgs.Fgj, null, Roles.Department), new Recipient(Orgs.Zjj, null, Roles.Department)],
            transition.Notifications.Select(n => n.Recipient).OrderBy(r => r.OrganizationId));
        Assert.All(transition.Notifications, n => Assert.Equal("urge", n.Kind));
        Assert.All(transition.Notifications, n => Assert.Contains("请于本周内办结", n.Body, StringComparison.Ordinal));
        Assert.Empty(transition.OpenedTasks);
        Assert.Empty(transition.ClosedTasks);
        Assert.Equal("implementation", run.Item.State);
    }

    [Fact]
    public void Urging_during_government_review_notifies_the_government()
    {
        var run = Scenario.InGovernmentReview();

        var transition = run.Do(People.Supervisor(), "urge", Urge);

        Assert.Equal([new Recipient(Orgs.Government, null, Roles.Government)], transition.Notifications.Select(n => n.Recipient));
    }

    [Fact]
    public void Urging_a_draft_notifies_the_party_in_both_its_roles()
    {
        var run = Scenario.Drafted();

        var transition = run.Do(People.Supervisor(), "urge", Urge);

        Assert.Equal(
            [new Recipient(Orgs.Minmeng, null, Roles.PartyMember), new Recipient(Orgs.Minmeng, null, Roles.PartyAdmin)],
            transition.Notifications.Select(n => n.Recipient));
    }

    [Fact]
    public void Urging_needs_a_message()
    {
        var run = Scenario.Adopted();

        Assert.Equal(["data.message"], run.Refused(People.Supervisor(), "urge").FieldErrors.Keys);
    }

    [Theory]
    [InlineData("draft")]
    [InlineData("government-review")]
    [InlineData("implementation")]
    [InlineData("reassignment")]
    [InlineData("evaluation")]
    public void The_supervisor_can_urge_and_flag_in_every_open_state(string state)
    {
        var run = ScenarioIn(state);
        Assert.Equal(state, run.Item.State);

        run.Do(People.Supervisor(), "urge", Urge);
        run.Do(People.Supervisor(), "flag-key", """{ "reason": "群众关注度高" }""");
        Assert.True(run.Item.KeySupervision);
        run.Do(People.Supervisor(), "unflag-key");

        Assert.False(run.Item.KeySupervision);
        Assert.Equal(state, run.Item.State);
    }

    [Fact]
    public void Nothing_can_be_urged_or_flagged_once_the_item_is_closed()
    {
        var run = Scenario.InGovernmentReview();
        run.Do(People.Government(), "reject", """{ "reason": "不具备条件" }""");

        Assert.Equal(RefusalKind.NotAllowed, run.Refused(People.Supervisor(), "urge", Urge).Kind);
        Assert.Equal(RefusalKind.NotAllowed, run.Refused(People.Supervisor(), "flag-key").Kind);
        Assert.Equal(RefusalKind.NotAllowed, run.Refused(People.Supervisor(), "unflag-key").Kind);
    }

    [Fact]
    public void Flagging_an_item_already_flagged_is_refused()
    {
        var run = Scenario.Adopted();
        var transition = run.Do(People.Supervisor(), "flag-key");

        var refusal = run.Refused(People.Supervisor(), "flag-key");

        Assert.Equal(RefusalKind.NotAllowed, refusal.Kind);
        Assert.True(run.Item.KeySupervision);
        Assert.Contains(transition.Notifications, n => n.Recipient == new Recipient(null, OrganizationKind.Government, Roles.Government));
        Assert.Contains(transition.Notifications, n => n.Recipient == new Recipient(Orgs.Fgj, null, Roles.Department));
    }

    [Fact]
    public void Unflagging_an_item_that_is_not_flagged_is_refused()
    {
        var run = Scenario.Adopted();

        Assert.Equal(RefusalKind.NotAllowed, run.Refused(People.Supervisor(), "unflag-key").Kind);
    }

    private static Scenario ScenarioIn(string state)
    {
        switch (state)
        {
            case "draft":
                return Scenario.Drafted();
            case "government-review":
                return Scenario.InGovernmentReview();
            case "implementation":
                return Scenario.Adopted();
            case "reassignment":
                var run = Scenario.Adopted();
                run.Do(People.Department(Orgs.Zjj), "return-assignment", """{ "reason": "非本单位职责" }""");
                return run;
            default:
                return Scenario.InEvaluation();
        }
    }
}
