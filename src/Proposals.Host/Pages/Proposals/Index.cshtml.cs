using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using Proposals.Data.Organizations;
using Proposals.Data.Proposals;
using Proposals.Data.Topics;
using Proposals.Engine.Definitions;
using Proposals.Engine.Execution;
using Proposals.Host.Auth;
using Proposals.Host.Proposals;
using Proposals.Host.Workflows;

namespace Proposals.Host.Pages.Proposals;

/// <summary>The proposals the user may see, with the API's filters and paging; a bad filter is named, not guessed.</summary>
internal sealed class ProposalListModel(ProposalStore store, OrganizationStore organizations, TopicStore topics, WorkflowCatalog catalog, EngineContextFactory contexts) : PageModel
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

    /// <summary>The whole filtered list as a workbook; bad filters show on the page as they do for the list.</summary>
    public async Task<IActionResult> OnGetXlsxAsync(CancellationToken cancellationToken)
    {
        Definition = catalog.Latest(ProposalActions.ProposalWorkflowId)!;
        var errors = new Dictionary<string, string[]>();
        var query = QueryParsing.Proposals(Definition, Empty(Stage), Empty(State), Empty(Overdue), Empty(OrganizationId), Empty(Q), null, null, Empty(Year), Empty(KeySupervision), errors);
        if (errors.Count > 0)
        {
            await OnGetAsync(cancellationToken);
            return Page();
        }
        var result = await ProposalsApi.ExportWorkbookAsync(Caller.From(User), query, store, topics, catalog, contexts, cancellationToken);
        return new ResultActionResult(result);
    }

    /// <summary>The export link: the list's filters, without the page.</summary>
    public string ExportLink()
    {
        var query = Request.Query.Where(q => q.Key is not ("page" or "handler")).ToDictionary(q => q.Key, q => (string?)q.Value.ToString());
        query["handler"] = "xlsx";
        return QueryHelpers.AddQueryString("/proposals", query);
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
