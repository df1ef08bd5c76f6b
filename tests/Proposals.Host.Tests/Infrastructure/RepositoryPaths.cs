namespace Proposals.Host.Tests.Infrastructure;

internal static class RepositoryPaths
{
    /// <summary>The repository's workflows folder, found by walking up from the test binaries.</summary>
    public static string Workflows
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "workflows");
                if (File.Exists(Path.Combine(candidate, "proposal-chain.json")))
                {
                    return candidate;
                }
            }
            throw new InvalidOperationException("workflows/proposal-chain.json not found above " + AppContext.BaseDirectory);
        }
    }
}
