using Proposals.Engine.Execution;

namespace Proposals.Engine.Tests.Execution;

/// <summary>The version the store checks for concurrent edits: one per applied action, none for a refusal.</summary>
public class VersionFacts
{
    [Fact]
    public void Each_applied_action_bumps_the_version_by_exactly_one()
    {
        var run = new Scenario();
        var transitions = new List<Transition> { run.Create() };
        transitions.Add(run.Do(People.PartyMember(), "submit-for-review"));
        transitions.Add(run.Do(People.PartyAdmin(), "return-draft", """{ "reason": "补充数据" }"""));
        transitions.Add(run.Do(People.PartyAdmin(), "submit"));
        transitions.Add(run.Do(People.Supervisor(), "urge", """{ "message": "请尽快审阅" }"""));
        transitions.Add(run.Adopt(Orgs.Fgj, Orgs.Jyj));
        transitions.Add(run.Do(People.Department(Orgs.Fgj), "sign"));
        transitions.Add(run.Do(People.Department(Orgs.Jyj), "sign"));
        transitions.Add(run.Do(People.Department(Orgs.Jyj), "give-opinion", """{ "text": "同意" }"""));
        transitions.Add(run.Do(People.Department(Orgs.Fgj), "reply", """{ "text": "已解决", "category": "A" }"""));
        transitions.Add(run.Do(People.PartyAdmin(), "evaluate", """{ "rating": "satisfied" }"""));

        Assert.Equal(Enumerable.Range(1, transitions.Count), transitions.Select(t => t.After.Version));
        Assert.All(transitions.Skip(1), t => Assert.Equal(t.Before!.Version + 1, t.After.Version));
        Assert.Equal(transitions.Count, run.Item.Version);
    }

    [Fact]
    public void A_refused_action_leaves_the_version_alone()
    {
        var run = Scenario.Drafted();

        run.Refused(People.PartyAdmin(Orgs.Jiusan), "submit");
        run.Refused(People.PartyAdmin(), "return-draft", """{ "reason": "x" }""");

        Assert.Equal(1, run.Item.Version);
    }

    [Fact]
    public void Applying_an_action_leaves_the_instance_it_was_given_untouched()
    {
        var run = Scenario.Adopted();
        var before = run.Item;

        var transition = run.Do(People.Department(Orgs.Fgj), "sign");

        Assert.Same(before, transition.Before);
        Assert.Null(before.ActiveAssignmentOf(Orgs.Fgj)!.SignedAt);
        Assert.NotNull(transition.After.ActiveAssignmentOf(Orgs.Fgj)!.SignedAt);
        Assert.Equal(before.Version + 1, transition.After.Version);
    }
}
