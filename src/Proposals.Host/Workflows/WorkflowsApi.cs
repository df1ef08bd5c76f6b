using Microsoft.AspNetCore.Http.HttpResults;
using Proposals.Engine.Definitions;
using Proposals.Host.Http;

namespace Proposals.Host.Workflows;

/// <summary>The published definitions, their versions and diagrams.</summary>
internal static class WorkflowsApi
{
    public sealed record WorkflowSummary(string Id, string Name, int LatestVersion, IReadOnlyList<WorkflowVersion> Versions);

    public sealed record WorkflowVersion(int Version, DateTimeOffset PublishedAt);

    public static IEndpointRouteBuilder MapWorkflowsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/workflows").WithTags("Workflows");
        group.MapGet("/", List);
        group.MapGet("/{id}", Get);
        group.MapGet("/{id}/graph", Graph);
        return app;
    }

    private static Ok<List<WorkflowSummary>> List(WorkflowCatalog catalog) =>
        TypedResults.Ok(catalog.All.GroupBy(p => p.Definition.Id).Select(g =>
        {
            var latest = g.MaxBy(p => p.Definition.Version)!;
            return new WorkflowSummary(g.Key, latest.Definition.Name, latest.Definition.Version,
                g.OrderBy(p => p.Definition.Version).Select(p => new WorkflowVersion(p.Definition.Version, p.PublishedAt)).ToList());
        }).OrderBy(w => w.Id, StringComparer.Ordinal).ToList());

    private static Results<Ok<WorkflowDefinition>, ProblemHttpResult> Get(string id, int? version, WorkflowCatalog catalog) =>
        Find(catalog, id, version, out var definition, out var problem) ? TypedResults.Ok(definition!) : problem!;

    private static Results<ContentHttpResult, ProblemHttpResult> Graph(string id, int? version, string? format, WorkflowCatalog catalog)
    {
        if (format is not (null or "mermaid"))
        {
            return Problems.Validation("format", $"不支持的格式“{format}”；目前支持 mermaid");
        }
        return Find(catalog, id, version, out var definition, out var problem)
            ? TypedResults.Text(MermaidGraph.Render(definition!), "text/vnd.mermaid; charset=utf-8")
            : problem!;
    }

    private static bool Find(WorkflowCatalog catalog, string id, int? version, out WorkflowDefinition? definition, out ProblemHttpResult? problem)
    {
        definition = version is { } v
            ? catalog.All.FirstOrDefault(p => p.Definition.Id == id && p.Definition.Version == v)?.Definition
            : catalog.Latest(id);
        problem = definition is null ? Problems.NotFound(version is null ? $"没有工作流“{id}”" : $"没有工作流“{id}”的第 {version} 版") : null;
        return definition is not null;
    }
}
