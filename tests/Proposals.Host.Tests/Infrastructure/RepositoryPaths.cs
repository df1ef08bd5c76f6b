namespace Proposals.Host.Tests.Infrastructure;

internal static class RepositoryPaths
{
    /// <summary>The repository's workflows folder.</summary>
    public static string Workflows => Path.GetDirectoryName(File("workflows/proposal-chain.json"))!;

    /// <summary>A file of the repository, found by walking up from the test binaries.</summary>
    public static string File(string relativePath)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relativePath);
            if (System.IO.File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException($"{relativePath} not found above {AppContext.BaseDirectory}");
    }
}
