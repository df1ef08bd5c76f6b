namespace Proposals.Engine.Tests;

/// <summary>Files the tests read from the repository itself, found by walking up from the test binaries.</summary>
internal static class RepositoryFiles
{
    public const string DefinitionFileName = "proposal-chain.json";

    /// <summary>The chain's second version: revisions, co-signers and withdrawal.</summary>
    public const string NextDefinitionFileName = "proposal-chain.v2.json";

    /// <summary>The chain's third version: instructions, plans and milestones, contact, commitments, the second round.</summary>
    public const string ThirdDefinitionFileName = "proposal-chain.v3.json";

    /// <summary>The text of workflows/proposal-chain.json.</summary>
    public static string ProposalChainJson() => WorkflowJson(DefinitionFileName);

    /// <summary>The text of a file of workflows/.</summary>
    public static string WorkflowJson(string fileName) => File.ReadAllText(Path.Combine(WorkflowsFolder(), fileName));

    /// <summary>The text of workflows/workflow.schema.json.</summary>
    public static string WorkflowSchemaJson() => File.ReadAllText(Path.Combine(WorkflowsFolder(), "workflow.schema.json"));

    /// <summary>The text of the shipped 2026 calendar file.</summary>
    public static string Calendar2026() => File.ReadAllText(Find(Path.Combine("db", "calendars", "cn-2026.csv")));

    private static string WorkflowsFolder() => Path.GetDirectoryName(Find(Path.Combine("workflows", DefinitionFileName)))!;

    private static string Find(string relativePath)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, relativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds {relativePath}.");
    }
}
