using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using Proposals.Data.Proposals;
using Proposals.Data.Statistics;
using Proposals.Engine.Definitions;
using Proposals.Engine.Execution;
using Proposals.Host.Auth;
using Proposals.Host.Proposals;
using Proposals.Host.Statistics;
using Proposals.Host.Pages.Supervision;
using Proposals.Host.Supervision;
using Proposals.Host.Workflows;

namespace Proposals.Host.Pages.Reports;

/// <summary>
/// The annual report (年度报告) for the committee: the year's figures, the supervision board's charts, the figures by
/// party and by department, and every adopted item with its outcome. Everyone may open it and sees their own scope.
/// </summary>
internal sealed class AnnualReportModel(StatisticsStore statistics, ProposalStore proposals, WorkflowCatalog catalog, EngineContextFactory contexts) : PageModel
{
    [FromQuery] public string? Year { get; set; }
    [FromQuery] public string? PartyId { get; set; }
    [FromQuery] public string? DepartmentId { get; set; }
    [FromQuery] public bool Print { get; set; }

    public StatsResponse? Stats { get; private set; }

    public BoardCharts Charts { get; private set; } = new([], [], []);

    public IReadOnlyList<AdoptedItem> Adopted { get; private set; } = [];

    public WorkflowDefinition Definition { get; private set; } = null!;

    public EngineContext Context { get; private set; } = null!;

    public string? Problem { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var caller = Caller.From(User);
        Definition = catalog.Latest(ProposalActions.ProposalWorkflowId)!;
        Context = await contexts.CreateAsync(cancellationToken);
        var (scope, problem) = StatisticsApi.Resolve(caller, Empty(Year), Empty(PartyId), Empty(DepartmentId), Context);
        if (problem is not null)
        {
            Problem = FormProblems.Take(problem, [], Response);
            return;
        }
        Stats = await StatisticsApi.ComputeAsync(scope!, statistics, Context, cancellationToken);
        Adopted = await statistics.AdoptedItemsAsync(scope!, caller.Viewer, cancellationToken);
        var board = await SupervisionApi.LoadAsync(caller, SupervisionPageModel.WithinDays, proposals, contexts, cancellationToken);
        Charts = await BoardCharts.LoadAsync(caller, board, Definition, proposals, Context, cancellationToken);
    }

    public async Task<IActionResult> OnGetXlsxAsync(CancellationToken cancellationToken)
    {
        var (stats, problem) = await StatisticsApi.ForCallerAsync(Caller.From(User), Empty(Year), Empty(PartyId), Empty(DepartmentId), statistics, contexts, cancellationToken);
        if (problem is not null)
        {
            await OnGetAsync(cancellationToken);
            return Page();
        }
        return new ResultActionResult(StatisticsApi.Workbook(stats!));
    }

    /// <summary>This report with other query values (the print view, the workbook), keeping the year and scope.</summary>
    public string Link(string key, string value)
    {
        var query = Request.Query.Where(q => q.Key is not ("print" or "handler")).ToDictionary(q => q.Key, q => (string?)q.Value.ToString());
        query[key] = value;
        return QueryHelpers.AddQueryString("/reports/annual", query);
    }

    public string Organization(long? id) => id is { } known ? ProposalViews.Organization(Context, known).Name : "—";

    public static string Rate(Rate? rate) => rate?.Value is { } value
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{value * 100:0.#}%（{rate.Numerator}/{rate.Denominator}）")
        : "—";

    private static string? Empty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
