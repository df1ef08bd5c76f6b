using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Proposals.Data.Proposals;
using Proposals.Engine.Definitions;
using Proposals.Host.Auth;
using Proposals.Host.Proposals;
using Proposals.Host.Supervision;
using Proposals.Host.Workflows;

namespace Proposals.Host.Pages.Supervision;

/// <summary>
/// The supervision board (督查): everything overdue or due soon that the user may see, grouped by the organisation
/// that owes it and by stage, with an urge button for supervisors and charts of where the open items stand.
/// </summary>
internal sealed class SupervisionPageModel(ProposalStore proposals, ProposalActions actions, WorkflowCatalog catalog, EngineContextFactory contexts) : PageModel
{
    public const int WithinDays = 7;

    public SupervisionApi.OverdueResponse Board { get; private set; } = new(WithinDays, 0, 0, []);

    public WorkflowDefinition Definition { get; private set; } = null!;

    public BoardCharts Charts { get; private set; } = new([], [], []);

    public bool MayUrge => Caller.From(User).IsIn(Roles.Supervisor);

    public string? Problem { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostUrgeAsync(long proposalId, string? message, CancellationToken cancellationToken)
    {
        var caller = Caller.From(User);
        var current = await actions.ViewAsync(caller, proposalId, cancellationToken);
        if (current is null)
        {
            return NotFound();
        }
        var request = new ActionRequest(current.Version, null, new JsonObject { ["message"] = string.IsNullOrWhiteSpace(message) ? "请抓紧办理" : message.Trim() });
        if (await actions.ApplyAsync(caller, proposalId, "urge", request, null, cancellationToken) is ProblemHttpResult problem)
        {
            Problem = FormProblems.Take(problem, [], Response);
            await LoadAsync(cancellationToken);
            return Page();
        }
        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var caller = Caller.From(User);
        Definition = catalog.Latest(ProposalActions.ProposalWorkflowId)!;
        Board = await SupervisionApi.LoadAsync(caller, WithinDays, proposals, contexts, cancellationToken);
        Charts = await BoardCharts.LoadAsync(caller, Board, Definition, proposals, await contexts.CreateAsync(cancellationToken), cancellationToken);
    }
}
