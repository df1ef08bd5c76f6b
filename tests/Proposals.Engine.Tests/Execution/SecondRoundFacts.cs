using Proposals.Engine.Definitions;
using Proposals.Engine.Execution;

namespace Proposals.Engine.Tests.Execution;

/// <summary>Not satisfied sends the item back to the lead for a second round (二次办理) with a new deadline.</summary>
public class SecondRoundFacts
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    private const string NotSatisfied = """{ "rating": "not-satisfied", "attitudeRating": "basically-satisfied", "reason": "问题未实质解决" }""";

    [Fact]
    public void Not_satisfied_sends_the_item_back_for_a_second_round_due_a_month_later()
    {
        var run = Scenario.InEvaluation();
        var evaluate = run.OpenTask("evaluate", Orgs.Minmeng);
        run.Now = new DateTimeOffset(2025, 4, 1, 10, 0, 0, Shanghai);

        var transition = run.Do(People.PartyAdmin(), "evaluate", NotSatisfied);

        Assert.Equal("implementation", run.Item.State);
        Assert.Equal(2, run.Item.Round);
        Assert.Equal(new DateOnly(2025, 5, 1), run.Item.ItemDueDate);
        var closed = Assert.Single(transition.ClosedTasks);
        Assert.Equal((evaluate.Id, "evaluate"), (closed.TaskRowId, closed.Reason));
        // Everyone signed and gave opinions in the first round; only the reply is owed again.
        var reply = Assert.Single(transition.OpenedTasks);
        Assert.Equal(("reply", Orgs.Fgj, new DateOnly(2025, 5, 1)), (reply.TaskId, reply.OrganizationId, reply.DueDate));
        Assert.Contains(transition.Notifications, n => n.Kind == "evaluate" && n.Recipient == new Recipient(Orgs.Fgj, null, Roles.Department));
        Assert.Contains(transition.Notifications, n => n.Kind == "evaluate" && n.Body.Contains("问题未实质解决", StringComparison.Ordinal));
    }

    [Fact]
    public void A_second_round_deadline_ending_on_a_weekend_moves_to_monday()
    {
        var run = Scenario.InEvaluation();
        run.Now = new DateTimeOffset(2025, 4, 4, 10, 0, 0, Shanghai);

        run.Do(People.PartyAdmin(), "evaluate", NotSatisfied);

        // A month after Friday 4 April is Sunday 4 May.
        Assert.Equal(new DateOnly(2025, 5, 5), run.Item.ItemDueDate);
    }

    [Fact]
    public void The_second_reply_satisfied_closes_the_item_in_round_two()
    {
        var run = Scenario.InEvaluation();
        run.Do(People.PartyAdmin(), "evaluate", NotSatisfied);

        run.Do(People.Department(Orgs.Fgj), "reply", """{ "text": "已补充落实", "category": "A" }""");
        Assert.Equal("evaluation", run.Item.State);
        run.Do(People.PartyAdmin(), "evaluate", """{ "rating": "satisfied" }""");

        Assert.Equal("closed", run.Item.State);
        Assert.Equal(2, run.Item.Round);
        Assert.Empty(run.Item.OpenTasks);
    }

    [Fact]
    public void Basically_satisfied_closes_the_item_in_the_first_round()
    {
        var run = Scenario.InEvaluation();

        var transition = run.Do(People.PartyAdmin(), "evaluate", """{ "rating": "basically-satisfied" }""");

        Assert.Equal(("closed", 1), (run.Item.State, run.Item.Round));
        Assert.Empty(transition.OpenedTasks);
    }
}
