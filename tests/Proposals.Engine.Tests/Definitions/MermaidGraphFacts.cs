using Proposals.Engine.Definitions;

namespace Proposals.Engine.Tests.Definitions;

public class MermaidGraphFacts
{
    private static WorkflowDefinition Shipped() =>
        DefinitionLoader.Parse(RepositoryFiles.DefinitionFileName, RepositoryFiles.ProposalChainJson()).Definition!;

    [Fact]
    public void The_diagram_names_every_state_and_every_action()
    {
        var definition = Shipped();

        var diagram = MermaidGraph.Render(definition);

        Assert.StartsWith("stateDiagram-v2", diagram, StringComparison.Ordinal);
        Assert.All(definition.States, s => Assert.Contains(s.Id.Replace('-', '_'), diagram, StringComparison.Ordinal));
        Assert.All(definition.Actions, a => Assert.Contains(a.Name, diagram, StringComparison.Ordinal));
        Assert.DoesNotContain("party-review", diagram, StringComparison.Ordinal);
    }

    [Fact]
    public void The_diagram_starts_at_the_initial_state_and_ends_at_each_final_one()
    {
        var diagram = MermaidGraph.Render(Shipped());

        Assert.Contains("[*] --> draft", diagram, StringComparison.Ordinal);
        Assert.Contains("closed_not_adopted --> [*]", diagram, StringComparison.Ordinal);
        Assert.Contains("government_review --> implementation : 采纳并交办", diagram, StringComparison.Ordinal);
        Assert.Contains("evaluation --> implementation : 评价办理结果 [rating=not-satisfied]", diagram, StringComparison.Ordinal);
    }

    [Fact]
    public void Counts_by_state_are_shown_beside_the_state_name()
    {
        var diagram = MermaidGraph.Render(Shipped(), new Dictionary<string, int> { ["implementation"] = 12 });

        Assert.Contains("implementation : 部门办理 (12)", diagram, StringComparison.Ordinal);
        Assert.Contains("draft : 调研起草\n", diagram.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }
}
