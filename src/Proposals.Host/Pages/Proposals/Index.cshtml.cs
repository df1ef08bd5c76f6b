using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using Proposals.Data.Organizations;
using Proposals.Data.Proposals;
using Proposals.Engine.Definitions;
using Proposals.Engine.Execution;
using Proposals.Host.Auth;
using Proposals.Host.Proposals;
using Proposals.Host.Workflows;

namespace Proposals.Host.Pages.Proposals;

/// <summary>The proposals the user may see, with the API's filters and paging; a bad filter is named, not guessed.</summary>
internal sealed class ProposalListModel(ProposalStore store, OrganizationStore organizations, WorkflowCatalog catalog, EngineContextFactory contexts) : PageModel
{
    [FromQuery] public string? Q { get; set; }
    [FromQuery] public string? Stage { get; set; }
    [FromQuery] public string? State { get; set; }
    [FromQuery] public string? Year { get; set; }
    [FromQuery] public string? OrganizationId { get; set; }
    [FromQuery] public string? Overdue { get; set; }
    [FromQuery] public string? KeySupervision { get; set; }
    [FromQuery(Name = "page")] public string? PageNumber { get; set; }

    public WorkflowDefinition Definition { get; private set; } = null!;

    public IReadOnlyList<Organization> Organizations { get; private set; } = [];

    public ProposalsApi.ListResponse Result { get; private set; } = new([], 0, 1, 20);

    public List<string> Errors { get; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Definition = catalog.Latest(ProposalActions.ProposalWorkflowId)!;
        Organizations = (await organizations.ListAsync(cancellationToken)).Where(o => o.Kind is OrganizationKind.Party or OrganizationKind.Department).ToList();
        var errors = new Dictionary<string, string[]>();
        var query = QueryParsing.Proposals(Definition, Empty(Stage), Empty(State), Empty(Overdue), Empty(OrganizationId), Empty(Q), Empty(PageNumber), null, Empty(Year), Empty(KeySupervision), errors);
        if (errors.Count > 0)
        {
            Errors.AddRange(errors.SelectMany(e => e.Value.Select(message => $"{e.Key}: {message}")));
            return;
        }
        Result = await ProposalsApi.QueryAsync(Caller.From(User), query, store, catalog, contexts, cancellationToken);
    }

    public string PageLink(int page)
    {
        var query = Request.Query.Where(q => q.Key != "page").ToDictionary(q => q.Key, q => (string?)q.Value.ToString());
        query["page"] = page.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return QueryHelpers.AddQueryString("/proposals", query);
    }

    // A filter left empty in the form means no filter, not a bad value.
    private static string? Empty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
