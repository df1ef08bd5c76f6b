using Proposals.Engine.Definitions;

namespace Proposals.Data.Tests;

/// <summary>The shipped workflow: version 1 from <c>workflows/proposal-chain.json</c>, the next from <c>proposal-chain.v2.json</c>.</summary>
internal static class ProposalChain
{
    public const string FileName = "proposal-chain.json";
    public const string NextFileName = "proposal-chain.v2.json";

    private static readonly Lazy<WorkflowDefinition> Loaded = new(() => Load(FileName));
    private static readonly Lazy<WorkflowDefinition> LoadedNext = new(() => Load(NextFileName));

    public static WorkflowDefinition Definition => Loaded.Value;

    /// <summary>Version 2: revisions, co-signers and withdrawal.</summary>
    public static WorkflowDefinition Next => LoadedNext.Value;

    public static string Json => File.ReadAllText(Locate(FileName));

    private static WorkflowDefinition Load(string fileName)
    {
        var result = DefinitionLoader.Parse(fileName, File.ReadAllText(Locate(fileName)));
        return result.IsValid
            ? result.Definition!
            : throw new InvalidOperationException($"{fileName} does not validate: {string.Join("; ", result.Errors)}");
    }

    private static string Locate(string fileName)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "workflows", fileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException($"No workflows/{fileName} above {AppContext.BaseDirectory}.");
    }
}
