using Microsoft.AspNetCore.Mvc.RazorPages;
using Proposals.Data.Proposals;
using Proposals.Data.Workflows;
using Proposals.Host.Auth;
using Proposals.Host.Proposals;
using Proposals.Host.Workflows;

namespace Proposals.Host.Pages.Workflows;

/// <summary>The published workflows, each drawn with how many of the items the user may see are in each state now.</summary>
internal sealed class WorkflowsPageModel(WorkflowCatalog catalog, ProposalStore proposals, EngineContextFactory contexts) : PageModel
{
    public IReadOnlyList<PublishedWorkflow> Published { get; private set; } = [];

    public Dictionary<string, int> Counts { get; } = new(StringComparer.Ordinal);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Published = catalog.All.OrderBy(p => p.Definition.Id, StringComparer.Ordinal).ThenByDescending(p => p.Definition.Version).ToList();
        var viewer = Caller.From(User).Viewer;
        var context = await contexts.CreateAsync(cancellationToken);
        foreach (var state in Published.SelectMany(p => p.Definition.States).Select(s => s.Id).Distinct())
        {
            Counts[state] = (await proposals.ListAsync(viewer, new ProposalQuery(State: state, PageSize: 1), context.Now, cancellationToken)).Total;
        }
    }
}
