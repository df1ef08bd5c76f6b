using Proposals.Data.Workflows;
using Proposals.Engine.Definitions;

namespace Proposals.Host.Workflows;

/// <summary>The definition files of a folder, read and validated together.</summary>
internal sealed record WorkflowFiles(IReadOnlyList<WorkflowDefinition> Definitions, IReadOnlyList<DefinitionError> Errors)
{
    /// <summary>Reads every <c>*.json</c> definition in <paramref name="folder"/> except JSON Schema files.</summary>
    public static WorkflowFiles Read(string folder)
    {
        if (!System.IO.Directory.Exists(folder))
        {
            return new([], [new DefinitionError(folder, "$", "the workflows folder does not exist")]);
        }
        var definitions = new List<WorkflowDefinition>();
        var errors = new List<DefinitionError>();
        var files = System.IO.Directory.GetFiles(folder, "*.json").Where(f => !f.EndsWith(".schema.json", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToList();
        foreach (var file in files)
        {
            var result = DefinitionLoader.Parse(Path.GetFileName(file), File.ReadAllText(file));
            errors.AddRange(result.Errors);
            if (result.Definition is { } definition)
            {
                if (definitions.Any(d => d.Id == definition.Id && d.Version == definition.Version))
                {
                    errors.Add(new DefinitionError(Path.GetFileName(file), "$.version", $"another file already defines '{definition.Id}' version {definition.Version}"));
                }
                else
                {
                    definitions.Add(definition);
                }
            }
        }
        if (files.Count == 0)
        {
            errors.Add(new DefinitionError(folder, "$", "no workflow definition (*.json) in the folder"));
        }
        return new(definitions, errors);
    }

    /// <summary>Where the definitions are: configured, or the <c>workflows</c> folder of the content root, else beside the program.</summary>
    public static string Locate(IConfiguration configuration, string contentRoot)
    {
        if (configuration["Proposals:WorkflowsPath"] is { Length: > 0 } configured)
        {
            return Path.GetFullPath(configured, contentRoot);
        }
        foreach (var start in new[] { contentRoot, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "workflows");
                if (File.Exists(Path.Combine(candidate, "proposal-chain.json")))
                {
                    return candidate;
                }
            }
        }
        return Path.Combine(contentRoot, "workflows");
    }
}

/// <summary>
/// Every published definition version, loaded once at start from the database. Versions never change once
/// published, so holding them in memory is safe; a version another host published later is read on demand.
/// </summary>
internal sealed class WorkflowCatalog(WorkflowStore store)
{
    private volatile IReadOnlyList<PublishedWorkflow> _published = [];

    public IReadOnlyList<PublishedWorkflow> All => _published;

    public async Task ReloadAsync(CancellationToken cancellationToken) => _published = await store.LoadAllAsync(cancellationToken);

    /// <summary>The newest version of a workflow, which new items start on.</summary>
    public WorkflowDefinition? Latest(string id) =>
        _published.Where(p => p.Definition.Id == id).MaxBy(p => p.Definition.Version)?.Definition;

    /// <summary>A given version, which an existing item runs on.</summary>
    public async Task<WorkflowDefinition> GetAsync(string id, int version, CancellationToken cancellationToken)
    {
        var found = _published.FirstOrDefault(p => p.Definition.Id == id && p.Definition.Version == version);
        if (found is null)
        {
            await ReloadAsync(cancellationToken);
            found = _published.FirstOrDefault(p => p.Definition.Id == id && p.Definition.Version == version)
                ?? throw new InvalidOperationException($"Workflow {id} v{version} is referenced but not published.");
        }
        return found.Definition;
    }
}
