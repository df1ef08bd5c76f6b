using System.Text.Json.Nodes;
using Proposals.Engine.Definitions;

namespace Proposals.Engine.Tests.Execution;

/// <summary>
/// Which states keep an item in its party's hands, worked out from the definition's tasks, and what follows: notices
/// about such an item reach the party's own people only.
/// </summary>
public class PartyOnlyFacts
{
    private static JsonObject Shipped() => JsonNode.Parse(RepositoryFiles.ProposalChainJson())!.AsObject();

    private static WorkflowDefinition Load(JsonObject root)
    {
        var result = DefinitionLoader.Parse(RepositoryFiles.DefinitionFileName, root.ToJsonString());
        return result.Definition ?? throw new InvalidOperationException(string.Join("\n", result.Errors));
    }

    [Fact]
    public void In_the_shipped_chain_the_draft_and_the_party_review_are_the_party_s_alone()
    {
        Assert.Equal(["draft", "party-review"], Load(Shipped()).PartyOnlyStates().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_final_state_entered_from_a_draft_stays_private_and_one_entered_later_is_not_counted_twice()
    {
        var root = Shipped();
        root["states"]!.AsArray().Add(JsonNode.Parse("""{ "id": "closed-withdrawn", "stage": "research", "name": "已撤回", "final": true }"""));
        root["actions"]!.AsArray().Add(JsonNode.Parse("""
            { "id": "withdraw", "name": "撤回", "from": ["draft", "party-review", "government-review"], "to": "closed-withdrawn", "roles": ["party-admin"], "scope": "own-party" }
            """));

        Assert.Equal(["closed-withdrawn", "draft", "party-review"], Load(root).PartyOnlyStates().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_state_reached_only_through_another_organisation_s_task_is_not_private_though_its_task_is_the_party_s()
    {
        // The evaluation's task is the party's, but the item got there through the government and the departments.
        Assert.DoesNotContain("evaluation", Load(Shipped()).PartyOnlyStates());
    }

    [Fact]
    public void A_chain_that_starts_with_someone_else_s_task_has_no_private_state()
    {
        var root = Shipped();
        var draft = root["states"]!.AsArray().Single(s => (string?)s!["id"] == "draft")!;
        draft["tasks"] = new JsonArray("research", "decide");

        Assert.Empty(Load(root).PartyOnlyStates());
    }

    [Fact]
    public void The_overdue_notice_of_a_draft_goes_to_the_party_only_though_the_definition_also_names_the_committee()
    {
        var definition = Load(Shipped());
        var rung = definition.Task("research").Escalation.Single();
        Assert.Contains("committee", rung.Notify); // what the definition asks for; the privacy of the draft narrows it

        var run = new Scenario();
        var created = run.Create(topicId: 7, topicDeadline: new DateOnly(2025, 6, 30));

        var research = created.OpenedTasks.Single(t => t.TaskId == "research");
        var recipients = research.Reminders.SelectMany(r => r.Recipients).ToList();
        Assert.NotEmpty(recipients);
        Assert.All(recipients, r => Assert.Equal(Orgs.Minmeng, r.OrganizationId));
        Assert.Contains(research.Reminders, r => r.Level == "overdue");
    }

    [Fact]
    public void After_submission_the_definition_s_recipients_are_kept_whole()
    {
        var run = Scenario.InGovernmentReview();
        var adopted = run.Do(People.Government(), "adopt", """{ "leadDepartmentId": 20, "dueDate": "2025-06-13" }""");
        var reply = adopted.OpenedTasks.Single(t => t.TaskId == "reply");
        Assert.Contains(reply.Reminders.SelectMany(r => r.Recipients), r => r.OrganizationKind is not null);
    }
}
