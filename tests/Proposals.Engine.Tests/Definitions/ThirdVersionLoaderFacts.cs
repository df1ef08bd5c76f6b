using System.Text.Json.Nodes;
using Proposals.Engine.Definitions;

namespace Proposals.Engine.Tests.Definitions;

/// <summary>What the loader checks of the third version's new parts: standing tasks, per-subject deadlines, actions on closed items and effects' data.</summary>
public class ThirdVersionLoaderFacts
{
    private const string FileName = RepositoryFiles.ThirdDefinitionFileName;

    private static JsonObject Shipped() => JsonNode.Parse(RepositoryFiles.WorkflowJson(FileName))!.AsObject();

    private static JsonObject Item(JsonObject root, string list, string id) =>
        root[list]!.AsArray().Select(n => n!.AsObject()).Single(n => (string?)n["id"] == id);

    private static void AssertRefused(JsonObject root, string path, string reason)
    {
        var result = DefinitionLoader.Parse(FileName, root.ToJsonString());
        Assert.False(result.IsValid);
        var error = Assert.Single(result.Errors, e => e.Path == path);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_shipped_third_version_loads_without_errors()
    {
        Assert.Empty(DefinitionLoader.Parse(FileName, RepositoryFiles.WorkflowJson(FileName)).Errors);
    }

    [Fact]
    public void A_standing_task_listed_by_a_state_is_refused()
    {
        var root = Shipped();
        Item(root, "states", "evaluation")["tasks"]!.AsArray().Add("commitment");
        AssertRefused(root, "$.states[5].tasks[1]", "standing task");
    }

    [Fact]
    public void Only_a_task_of_open_commitments_can_be_standing()
    {
        var root = Shipped();
        Item(root, "tasks", "milestone")["standing"] = true;
        AssertRefused(root, "$.tasks[9].standing", "only a task of 'open-commitments'");
    }

    [Fact]
    public void A_task_per_milestone_is_due_on_its_milestone_and_no_other_task_is()
    {
        var root = Shipped();
        Item(root, "tasks", "milestone")["deadline"] = new JsonObject { ["after"] = "5wd" };
        Item(root, "tasks", "reply")["deadline"] = new JsonObject { ["from"] = "subject-due" };
        var errors = DefinitionLoader.Parse(FileName, root.ToJsonString()).Errors;
        Assert.Contains(errors, e => e.Path == "$.tasks[9].deadline.from" && e.Reason.Contains("subject-due", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "$.tasks[5].deadline.from" && e.Reason.Contains("only for tasks", StringComparison.Ordinal));
    }

    [Fact]
    public void An_action_taken_on_a_closed_item_cannot_move_it()
    {
        var root = Shipped();
        Item(root, "actions", "fulfil")["to"] = "implementation";
        AssertRefused(root, "$.actions[27].alsoWhenClosed", "cannot move it");
    }

    [Fact]
    public void An_effect_whose_data_field_is_missing_or_of_another_type_is_refused()
    {
        var root = Shipped();
        Item(root, "actions", "plan")["data"]!.AsObject().Remove("milestones");
        Item(root, "actions", "complete-milestone")["data"]!["milestoneId"]!["type"] = "text";
        var errors = DefinitionLoader.Parse(FileName, root.ToJsonString()).Errors;
        Assert.Contains(errors, e => e.Path == "$.actions[16].data.milestones" && e.Reason.Contains("milestone-list", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "$.actions[17].data.milestoneId" && e.Reason.Contains("integer", StringComparison.Ordinal));
    }
}
