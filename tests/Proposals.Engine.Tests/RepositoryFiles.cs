namespace Proposals.Engine.Tests;

/// <summary>Files the tests read from the repository itself, found by walking up from the test binaries.</summary>
internal static class RepositoryFiles
{
    public const string DefinitionFileName = "proposal-chain.json";

    /// <summary>The text of workflows/proposal-chain.json.</summary>
    public static string ProposalChainJson() => File.ReadAllText(Path.Combine(WorkflowsFolder(), DefinitionFileName));

    /// <summary>The text of workflows/workflow.schema.json.</summary>
    public static string WorkflowSchemaJson() => File.ReadAllText(Path.Combine(WorkflowsFolder(), "workflow.schema.json"));

    private static string WorkflowsFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var workflows = Path.Combine(folder.FullName, "workflows");
            if (File.Exists(Path.Combine(workflows, DefinitionFileName)))
            {
                return workflows;
            }
        }
        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds workflows/{DefinitionFileName}.");
    }
}
