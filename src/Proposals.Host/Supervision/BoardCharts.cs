using Proposals.Data.Proposals;
using Proposals.Engine.Definitions;
using Proposals.Engine.Execution;
using Proposals.Host.Auth;

namespace Proposals.Host.Supervision;

/// <summary>The supervision board's charts: open items by stage, overdue steps by organisation, and how long they have been overdue.</summary>
internal sealed record BoardCharts(
    IReadOnlyList<(string Label, int Value)> OpenByStage,
    IReadOnlyList<(string Label, int Value)> OverdueByOrganization,
    IReadOnlyList<(string Label, int Value)> Ageing)
{
    public static async Task<BoardCharts> LoadAsync(Caller caller, SupervisionApi.OverdueResponse board, WorkflowDefinition definition, ProposalStore proposals, EngineContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(board);
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(proposals);
        ArgumentNullException.ThrowIfNull(context);
        var byStage = new List<(string, int)>();
        foreach (var stage in definition.Stages)
        {
            var open = await proposals.ListAsync(caller.Viewer, new ProposalQuery(Stage: stage.Id, PageSize: 1, Open: true), context.Now, cancellationToken);
            byStage.Add((stage.Name, open.Total));
        }
        var overdue = board.Items.Where(i => i.Task.Overdue).ToList();
        return new BoardCharts(
            byStage,
            overdue.GroupBy(i => i.Task.Organization.Name).Select(g => (g.Key, g.Count())).OrderByDescending(g => g.Item2).ToList(),
            [
                ("1–5", overdue.Count(i => i.Task.DaysOverdue <= 5)),
                ("6–10", overdue.Count(i => i.Task.DaysOverdue is > 5 and <= 10)),
                ("11–20", overdue.Count(i => i.Task.DaysOverdue is > 10 and <= 20)),
                ("> 20", overdue.Count(i => i.Task.DaysOverdue > 20)),
            ]);
    }
}
