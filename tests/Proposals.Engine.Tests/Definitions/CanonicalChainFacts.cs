using System.Text.Json.Nodes;
using Proposals.Engine.Definitions;

namespace Proposals.Engine.Tests.Definitions;

public sealed class CanonicalChainFacts
{
    private static JsonObject Shipped() => JsonNode.Parse(RepositoryFiles.ProposalChainJson())!.AsObject();

    private static List<string> Errors(JsonObject definition) =>
        DefinitionLoader.Parse("proposal-chain.json", definition.ToJsonString()).Errors.Select(e => e.ToString()).ToList();

    [Fact]
    public void The_shipped_chain_keeps_every_canonical_state_and_action()
    {
        var definition = DefinitionLoader.Parse("proposal-chain.json", RepositoryFiles.ProposalChainJson()).Definition!;
        Assert.All(CanonicalChain.States, id => Assert.NotNull(definition.FindState(id)));
        Assert.All(CanonicalChain.Actions, id => Assert.NotNull(definition.FindAction(id)));
    }

    [Fact]
    public void Dropping_a_canonical_action_is_refused_even_when_the_graph_still_works()
    {
        var definition = Shipped();
        var actions = definition["actions"]!.AsArray();
        actions.Remove(actions.Single(a => a!["id"]!.GetValue<string>() == "urge"));
        Assert.Contains("proposal-chain.json: $.actions: the proposal chain must keep the action 'urge' that clients rely on", Errors(definition));
    }

    [Fact]
    public void Renaming_a_canonical_action_is_refused()
    {
        var definition = Shipped();
        definition["actions"]!.AsArray().Single(a => a!["id"]!.GetValue<string>() == "sign")!["id"] = "qianshou";
        Assert.Contains(Errors(definition), e => e.Contains("must keep the action 'sign'", StringComparison.Ordinal));
    }

    [Fact]
    public void Another_workflow_may_use_its_own_ids()
    {
        var definition = Shipped();
        definition["id"] = "self-chosen-variant";
        definition["actions"]!.AsArray().Single(a => a!["id"]!.GetValue<string>() == "sign")!["id"] = "qianshou";
        Assert.Empty(Errors(definition));
    }

    [Fact]
    public void A_number_field_whose_minimum_exceeds_its_maximum_is_refused()
    {
        var definition = Shipped();
        var progress = definition["actions"]!.AsArray().Single(a => a!["id"]!.GetValue<string>() == "record-progress")!;
        progress["data"]!["percent"]!["min"] = 100;
        progress["data"]!["percent"]!["max"] = 0;
        Assert.Contains(Errors(definition), e => e.Contains(".data.percent.min: min (100) is greater than max (0)", StringComparison.Ordinal));
    }

    [Fact]
    public void An_action_that_starts_from_a_final_state_is_refused()
    {
        var definition = Shipped();
        definition["actions"]!.AsArray().Single(a => a!["id"]!.GetValue<string>() == "submit")!["from"]!.AsArray().Add("closed");
        Assert.Contains(Errors(definition), e => e.Contains("'closed' is final: no action may start from it", StringComparison.Ordinal));
    }

    [Fact]
    public void A_number_written_as_a_string_is_refused()
    {
        var definition = Shipped();
        definition["version"] = "1";
        Assert.Contains(Errors(definition), e => e.Contains("$.version", StringComparison.Ordinal));
    }
}

public sealed class NullEntryFacts
{
    [Theory]
    [InlineData("states", "$.states[0]")]
    [InlineData("actions", "$.actions[0]")]
    public void A_null_in_a_list_is_reported_with_its_place(string list, string expectedPath)
    {
        var definition = JsonNode.Parse(RepositoryFiles.ProposalChainJson())!.AsObject();
        definition[list]!.AsArray().Insert(0, null);
        var result = DefinitionLoader.Parse("proposal-chain.json", definition.ToJsonString());
        Assert.Equal($"proposal-chain.json: {expectedPath}: null where an entry was expected", Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void A_null_data_field_is_reported_with_its_place()
    {
        var definition = JsonNode.Parse(RepositoryFiles.ProposalChainJson())!.AsObject();
        definition["actions"]![2]!["data"]!["note"] = null;
        var result = DefinitionLoader.Parse("proposal-chain.json", definition.ToJsonString());
        Assert.Equal("proposal-chain.json: $.actions[2].data.note: null where an entry was expected", Assert.Single(result.Errors).ToString());
    }
}
