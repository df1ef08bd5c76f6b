using System.Text.Json.Nodes;
using Proposals.Engine.Definitions;

namespace Proposals.Engine.Tests.Definitions;

public class DefinitionLoaderFacts
{
    private const string FileName = RepositoryFiles.DefinitionFileName;

    private static JsonObject Shipped() => JsonNode.Parse(RepositoryFiles.ProposalChainJson())!.AsObject();

    private static DefinitionLoadResult Load(JsonObject root) => DefinitionLoader.Parse(FileName, root.ToJsonString());

    private static int IndexOf(JsonObject root, string list, string id) =>
        root[list]!.AsArray().Select((node, index) => (node, index)).Single(x => (string?)x.node!["id"] == id).index;

    private static JsonObject Item(JsonObject root, string list, string id) => root[list]![IndexOf(root, list, id)]!.AsObject();

    /// <summary>The load failed, and among its errors is one for this path, naming the file, whose reason says this.</summary>
    private static DefinitionError AssertRefused(DefinitionLoadResult result, string path, string reason)
    {
        Assert.False(result.IsValid);
        Assert.Null(result.Definition);
        var error = Assert.Single(result.Errors, e => e.Path == path);
        Assert.Equal(FileName, error.File);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
        Assert.StartsWith($"{FileName}: {path}: ", error.ToString(), StringComparison.Ordinal);
        return error;
    }

    [Fact]
    public void The_shipped_proposal_chain_loads_without_errors()
    {
        var result = DefinitionLoader.Parse(FileName, RepositoryFiles.ProposalChainJson());

        Assert.Empty(result.Errors);
        Assert.True(result.IsValid);
        var definition = result.Definition!;
        Assert.Equal("proposal-chain", definition.Id);
        Assert.Equal("draft", definition.InitialState);
        Assert.Equal("./workflow.schema.json", definition.Schema);
    }

    [Fact]
    public void The_shipped_proposal_chain_keeps_the_canonical_states_and_action_ids()
    {
        var definition = DefinitionLoader.Parse(FileName, RepositoryFiles.ProposalChainJson()).Definition!;

        string[] states = ["draft", "party-review", "government-review", "implementation", "reassignment", "evaluation", "closed", "closed-reference", "closed-not-adopted"];
        string[] actions =
        [
            "submit-for-review", "submit", "return-draft", "adopt", "keep-for-reference", "reject", "sign", "return-assignment", "reassign",
            "record-progress", "give-opinion", "request-extension", "grant-extension", "refuse-extension", "reply", "evaluate", "urge", "flag-key", "unflag-key",
        ];
        Assert.All(states, id => Assert.NotNull(definition.FindState(id)));
        Assert.All(actions, id => Assert.NotNull(definition.FindAction(id)));
        Assert.Equal(["closed", "closed-reference", "closed-not-adopted"], definition.States.Where(s => s.Final).Select(s => s.Id));
    }

    [Fact]
    public void A_definition_survives_serializing_and_loading_again()
    {
        var definition = DefinitionLoader.Parse(FileName, RepositoryFiles.ProposalChainJson()).Definition!;

        var again = DefinitionLoader.Parse(FileName, DefinitionLoader.Serialize(definition));

        Assert.Empty(again.Errors);
        Assert.Equal(DefinitionLoader.Serialize(definition), DefinitionLoader.Serialize(again.Definition!));
    }

    [Fact]
    public void An_action_to_an_unknown_state_is_refused_at_its_to()
    {
        var root = Shipped();
        Item(root, "actions", "submit")["to"] = "goverment-review";

        AssertRefused(Load(root), $"$.actions[{IndexOf(root, "actions", "submit")}].to", "unknown target state 'goverment-review'");
    }

    [Fact]
    public void An_action_from_an_unknown_state_is_refused_at_its_from()
    {
        var root = Shipped();
        Item(root, "actions", "submit")["from"] = new JsonArray("draft", "party-reveiw");

        AssertRefused(Load(root), $"$.actions[{IndexOf(root, "actions", "submit")}].from[1]", "unknown state 'party-reveiw'");
    }

    [Fact]
    public void An_action_nobody_may_take_is_refused()
    {
        var root = Shipped();
        Item(root, "actions", "urge")["roles"] = new JsonArray();

        AssertRefused(Load(root), $"$.actions[{IndexOf(root, "actions", "urge")}].roles", "at least one role");
    }

    [Fact]
    public void An_action_without_a_roles_property_is_refused()
    {
        var root = Shipped();
        Item(root, "actions", "urge").Remove("roles");

        AssertRefused(Load(root), $"$.actions[{IndexOf(root, "actions", "urge")}]", "'roles'");
    }

    [Fact]
    public void A_null_list_is_refused_rather_than_crashing_the_loader()
    {
        var root = Shipped();
        root["states"]![0]!["tasks"] = null;

        AssertRefused(Load(root), "$.states[0].tasks", "null");
    }

    [Fact]
    public void An_action_with_no_starting_state_is_refused()
    {
        var root = Shipped();
        Item(root, "actions", "sign")["from"] = new JsonArray();

        AssertRefused(Load(root), $"$.actions[{IndexOf(root, "actions", "sign")}].from", "fromAnyOpenState");
    }

    [Fact]
    public void A_state_no_action_leads_to_is_refused_as_unreachable()
    {
        var root = Shipped();
        root["states"]!.AsArray().Add(new JsonObject { ["id"] = "archived", ["stage"] = "feedback", ["name"] = "已归档", ["final"] = true });

        AssertRefused(Load(root), $"$.states[{IndexOf(root, "states", "archived")}]", "state 'archived' cannot be reached from 'draft'");
    }

    [Fact]
    public void A_state_only_reachable_from_an_unreachable_state_is_unreachable_too()
    {
        var root = Shipped();
        root["states"]!.AsArray().Add(new JsonObject { ["id"] = "limbo", ["stage"] = "feedback", ["name"] = "悬置" });
        root["states"]!.AsArray().Add(new JsonObject { ["id"] = "archived", ["stage"] = "feedback", ["name"] = "已归档", ["final"] = true });
        root["actions"]!.AsArray().Add(new JsonObject
        {
            ["id"] = "archive", ["name"] = "归档", ["from"] = new JsonArray("limbo"), ["to"] = "archived", ["roles"] = new JsonArray("admin"),
        });

        var result = Load(root);

        AssertRefused(result, $"$.states[{IndexOf(root, "states", "limbo")}]", "cannot be reached");
        AssertRefused(result, $"$.states[{IndexOf(root, "states", "archived")}]", "cannot be reached");
    }

    [Fact]
    public void A_state_that_is_not_final_but_has_no_way_out_is_refused()
    {
        var root = Shipped();
        root["states"]!.AsArray().Add(new JsonObject { ["id"] = "limbo", ["stage"] = "feedback", ["name"] = "悬置" });
        root["actions"]!.AsArray().Add(new JsonObject
        {
            ["id"] = "park", ["name"] = "搁置", ["from"] = new JsonArray("government-review"), ["to"] = "limbo", ["roles"] = new JsonArray("government"),
        });

        // urge, flag-key and unflag-key reach it but keep it where it is, which is no way out.
        AssertRefused(Load(root), $"$.states[{IndexOf(root, "states", "limbo")}]", "state 'limbo' is not final but no action leads out of it");
    }

    [Theory]
    [InlineData("3 days")]
    [InlineData("3x")]
    [InlineData("1.5d")]
    [InlineData("")]
    public void A_bad_duration_is_refused_where_it_is_written(string duration)
    {
        var root = Shipped();
        Item(root, "tasks", "decide")["deadline"]!["after"] = duration;

        AssertRefused(Load(root), $"$.tasks[{IndexOf(root, "tasks", "decide")}].deadline.after", $"bad duration '{duration}'");
    }

    [Fact]
    public void A_negative_reminder_span_is_refused()
    {
        var root = Shipped();
        Item(root, "tasks", "reply")["reminders"]![1]!["before"] = "-7d";

        AssertRefused(Load(root), $"$.tasks[{IndexOf(root, "tasks", "reply")}].reminders[1].before", "cannot be negative");
    }

    [Fact]
    public void Escalation_rungs_must_come_one_after_another()
    {
        var root = Shipped();
        Item(root, "tasks", "reply")["escalation"]![2]!["after"] = "5wd";

        AssertRefused(Load(root), $"$.tasks[{IndexOf(root, "tasks", "reply")}].escalation[2].after", "later");
    }

    [Fact]
    public void A_task_deadline_needs_exactly_one_of_after_or_from()
    {
        var root = Shipped();
        Item(root, "tasks", "reply")["deadline"]!["after"] = "3mo";

        AssertRefused(Load(root), $"$.tasks[{IndexOf(root, "tasks", "reply")}].deadline", "exactly one");
    }

    [Fact]
    public void An_unknown_deadline_source_is_refused()
    {
        var root = Shipped();
        Item(root, "tasks", "reply")["deadline"]!["from"] = "due-date";

        AssertRefused(Load(root), $"$.tasks[{IndexOf(root, "tasks", "reply")}].deadline.from", "unknown date 'due-date'");
    }

    [Fact]
    public void An_unknown_role_is_refused()
    {
        var root = Shipped();
        Item(root, "actions", "adopt")["roles"] = new JsonArray("goverment");

        AssertRefused(Load(root), $"$.actions[{IndexOf(root, "actions", "adopt")}].roles[0]", "unknown role 'goverment'");
    }

    [Fact]
    public void An_unknown_role_of_a_task_is_refused()
    {
        var root = Shipped();
        Item(root, "tasks", "evaluate")["roles"] = new JsonArray("party-admin", "chairman");

        AssertRefused(Load(root), $"$.tasks[{IndexOf(root, "tasks", "evaluate")}].roles[1]", "unknown role 'chairman'");
    }

    [Fact]
    public void An_unknown_scope_is_refused()
    {
        var root = Shipped();
        Item(root, "actions", "reply")["scope"] = "lead";

        AssertRefused(Load(root), $"$.actions[{IndexOf(root, "actions", "reply")}].scope", "unknown scope 'lead'");
    }

    [Fact]
    public void An_unknown_guard_is_refused()
    {
        var root = Shipped();
        Item(root, "actions", "reply")["guards"]![1] = "all-opinion-given";

        AssertRefused(Load(root), $"$.actions[{IndexOf(root, "actions", "reply")}].guards[1]", "unknown guard 'all-opinion-given'");
    }

    [Fact]
    public void An_unknown_effect_is_refused()
    {
        var root = Shipped();
        Item(root, "actions", "sign")["effects"]![0] = "signed";

        AssertRefused(Load(root), $"$.actions[{IndexOf(root, "actions", "sign")}].effects[0]", "unknown effect 'signed'");
    }

    [Fact]
    public void An_unknown_effect_in_a_branch_is_refused()
    {
        var root = Shipped();
        Item(root, "actions", "evaluate")["branches"]![0]!["effects"]![0] = "second-round";

        AssertRefused(Load(root), $"$.actions[{IndexOf(root, "actions", "evaluate")}].branches[0].effects[0]", "unknown effect 'second-round'");
    }

    [Fact]
    public void An_unknown_recipient_is_refused()
    {
        var root = Shipped();
        Item(root, "actions", "submit")["notify"] = new JsonArray("goverment");

        AssertRefused(Load(root), $"$.actions[{IndexOf(root, "actions", "submit")}].notify[0]", "unknown recipient 'goverment'");
    }

    [Fact]
    public void An_unknown_assignee_is_refused()
    {
        var root = Shipped();
        Item(root, "tasks", "sign")["assignee"] = "departments";

        AssertRefused(Load(root), $"$.tasks[{IndexOf(root, "tasks", "sign")}].assignee", "unknown assignee 'departments'");
    }

    [Fact]
    public void An_unknown_field_type_is_refused()
    {
        var root = Shipped();
        Item(root, "actions", "record-progress")["data"]!["percent"]!["type"] = "number";

        AssertRefused(Load(root), $"$.actions[{IndexOf(root, "actions", "record-progress")}].data.percent.type", "unknown field type 'number'");
    }

    [Fact]
    public void A_misspelt_organisation_kind_is_refused_before_it_refuses_every_organisation()
    {
        var root = Shipped();
        Item(root, "actions", "adopt")["data"]!["leadDepartmentId"]!["kind"] = "departmnet";

        AssertRefused(Load(root), $"$.actions[{IndexOf(root, "actions", "adopt")}].data.leadDepartmentId.kind", "unknown organisation kind 'departmnet'");
    }

    [Fact]
    public void A_choice_without_values_is_refused()
    {
        var root = Shipped();
        Item(root, "actions", "reply")["data"]!["category"]!["values"] = new JsonArray();

        AssertRefused(Load(root), $"$.actions[{IndexOf(root, "actions", "reply")}].data.category.values", "values");
    }

    [Fact]
    public void An_item_deadline_from_a_field_that_is_not_a_date_is_refused()
    {
        var root = Shipped();
        Item(root, "actions", "adopt")["itemDeadline"]!["fromData"] = "instruction";

        AssertRefused(Load(root), $"$.actions[{IndexOf(root, "actions", "adopt")}].itemDeadline.fromData", "'instruction' is not a date field");
    }

    [Fact]
    public void A_state_in_an_unknown_stage_is_refused()
    {
        var root = Shipped();
        Item(root, "states", "draft")["stage"] = "reserch";

        AssertRefused(Load(root), $"$.states[{IndexOf(root, "states", "draft")}].stage", "unknown stage 'reserch'");
    }

    [Fact]
    public void A_state_opening_an_unknown_task_is_refused()
    {
        var root = Shipped();
        Item(root, "states", "implementation")["tasks"]![2] = "answer";

        AssertRefused(Load(root), $"$.states[{IndexOf(root, "states", "implementation")}].tasks[2]", "unknown task 'answer'");
    }

    [Fact]
    public void A_duplicate_action_id_is_refused_at_the_second_one()
    {
        var root = Shipped();
        var copy = Item(root, "actions", "urge").DeepClone();
        root["actions"]!.AsArray().Add(copy);

        AssertRefused(Load(root), $"$.actions[{root["actions"]!.AsArray().Count - 1}].id", "duplicate id 'urge'");
    }

    [Fact]
    public void A_duplicate_state_id_is_refused_at_the_second_one()
    {
        var root = Shipped();
        root["states"]!.AsArray().Add(new JsonObject { ["id"] = "closed", ["stage"] = "feedback", ["name"] = "又一个办结", ["final"] = true });

        AssertRefused(Load(root), $"$.states[{root["states"]!.AsArray().Count - 1}].id", "duplicate id 'closed'");
    }

    [Fact]
    public void Duplicate_task_and_stage_ids_are_refused()
    {
        var root = Shipped();
        root["tasks"]!.AsArray().Add(Item(root, "tasks", "sign").DeepClone());
        root["stages"]!.AsArray().Add(new JsonObject { ["id"] = "topic", ["name"] = "出题" });

        var result = Load(root);

        AssertRefused(result, $"$.tasks[{root["tasks"]!.AsArray().Count - 1}].id", "duplicate id 'sign'");
        AssertRefused(result, $"$.stages[{root["stages"]!.AsArray().Count - 1}].id", "duplicate id 'topic'");
    }

    [Fact]
    public void A_final_state_cannot_open_tasks()
    {
        var root = Shipped();
        Item(root, "states", "closed")["tasks"] = new JsonArray("evaluate");

        AssertRefused(Load(root), $"$.states[{IndexOf(root, "states", "closed")}].tasks", "the final state 'closed' cannot open tasks");
    }

    [Fact]
    public void A_final_initial_state_is_refused()
    {
        var root = Shipped();
        root["initialState"] = "closed";

        AssertRefused(Load(root), "$.initialState", "is final");
    }

    [Fact]
    public void An_unknown_initial_state_is_refused()
    {
        var root = Shipped();
        root["initialState"] = "drafting";

        AssertRefused(Load(root), "$.initialState", "unknown state 'drafting'");
    }

    [Fact]
    public void A_branch_to_an_unknown_state_is_refused()
    {
        var root = Shipped();
        Item(root, "actions", "evaluate")["branches"]![0]!["to"] = "implementaton";

        AssertRefused(Load(root), $"$.actions[{IndexOf(root, "actions", "evaluate")}].branches[0].to", "unknown target state 'implementaton'");
    }

    [Fact]
    public void A_branch_on_an_unknown_field_is_refused()
    {
        var root = Shipped();
        Item(root, "actions", "evaluate")["branches"]![0]!["when"]!["field"] = "result";

        AssertRefused(Load(root), $"$.actions[{IndexOf(root, "actions", "evaluate")}].branches[0].when.field", "unknown field 'result'");
    }

    [Fact]
    public void A_bad_workflow_id_and_version_are_refused()
    {
        var root = Shipped();
        root["id"] = "Proposal Chain";
        root["version"] = 0;

        var result = Load(root);

        AssertRefused(result, "$.id", "lower-case");
        AssertRefused(result, "$.version", "1 or more");
    }

    [Fact]
    public void Every_error_in_a_file_is_reported_at_once()
    {
        var root = Shipped();
        Item(root, "actions", "adopt")["roles"] = new JsonArray("goverment");
        Item(root, "actions", "sign")["effects"]![0] = "signed";
        Item(root, "states", "draft")["stage"] = "reserch";

        var result = Load(root);

        Assert.Equal(3, result.Errors.Count);
        Assert.All(result.Errors, e => Assert.Equal(FileName, e.File));
    }

    [Fact]
    public void Malformed_json_is_refused_with_the_line_it_breaks_on()
    {
        var json = RepositoryFiles.ProposalChainJson();
        var line = json.Split('\n').Select((text, index) => (text, index)).First(x => x.text.Contains("\"stages\"", StringComparison.Ordinal)).index + 1;
        var broken = json.Replace("\"initialState\": \"draft\",", "\"initialState\": \"draft\"", StringComparison.Ordinal);
        Assert.NotEqual(json, broken);

        var result = DefinitionLoader.Parse(FileName, broken);

        var error = Assert.Single(result.Errors);
        Assert.Null(result.Definition);
        Assert.Equal(FileName, error.File);
        Assert.Equal("$", error.Path);
        Assert.EndsWith($"(line {line})", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_misspelt_property_is_refused_rather_than_ignored()
    {
        var root = Shipped();
        var sign = Item(root, "actions", "sign");
        var guards = sign["guards"]!.DeepClone();
        sign.Remove("guards");
        sign["gaurds"] = guards;

        var error = Assert.Single(Load(root).Errors);

        Assert.Equal($"$.actions[{IndexOf(root, "actions", "sign")}].gaurds", error.Path);
        Assert.Contains("'gaurds'", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_misspelt_top_level_property_is_refused()
    {
        var root = Shipped();
        root["descripton"] = "typo";

        AssertRefused(Load(root), "$.descripton", "'descripton'");
    }

    [Fact]
    public void A_file_holding_null_is_refused()
    {
        var result = DefinitionLoader.Parse(FileName, "null");

        Assert.Equal("$", Assert.Single(result.Errors).Path);
        Assert.Null(result.Definition);
    }
}
