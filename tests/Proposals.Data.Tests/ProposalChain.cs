using Proposals.Engine.Definitions;

namespace Proposals.Data.Tests;

/// <summary>The shipped workflow, read from <c>workflows/proposal-chain.json</c> of this checkout.</summary>
internal static class ProposalChain
{
    public const string FileName = "proposal-chain.json";

    private static readonly Lazy<WorkflowDefinition> Loaded = new(Load);

    public static WorkflowDefinition Definition => Loaded.Value;

    public static string Json => File.ReadAllText(Locate());

    private static WorkflowDefinition Load()
    {
        var result = DefinitionLoader.Parse(FileName, Json);
        return result.IsValid
            ? result.Definition!
            : throw new InvalidOperationException($"{FileName} does not validate: {string.Join("; ", result.Errors)}");
    }

    private static string Locate()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "workflows", FileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException($"No workflows/{FileName} above {AppContext.BaseDirectory}.");
    }
}
