using Microsoft.AspNetCore.Http.HttpResults;
using Proposals.Data.Proposals;
using Proposals.Host.Auth;
using Proposals.Host.Http;
using Proposals.Host.Proposals;

namespace Proposals.Host.Supervision;

/// <summary>The supervision office's view (督查): open items past or near their deadline.</summary>
internal static class SupervisionApi
{
    public sealed record OverdueItem(long ProposalId, string Title, string State, string Stage, bool KeySupervision, OrganizationRef Party, TaskDeadlineView Task);

    public sealed record OverdueResponse(int WithinDays, int OverdueCount, int DueSoonCount, IReadOnlyList<OverdueItem> Items);

    public static IEndpointRouteBuilder MapSupervisionApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/supervision/overdue", OverdueAsync).WithTags("Supervision");
        return app;
    }

    private static async Task<Results<Ok<OverdueResponse>, ProblemHttpResult>> OverdueAsync(
        string? withinDays, HttpContext http, ProposalStore proposals, EngineContextFactory contexts, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var days = QueryParsing.Int(withinDays, "withinDays", 0, 366, errors) ?? 7;
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }
        return TypedResults.Ok(await LoadAsync(Caller.From(http.User), days, proposals, contexts, cancellationToken));
    }

    /// <summary>The open steps the caller may see that are overdue or due within <paramref name="days"/> days, the most overdue first.</summary>
    public static async Task<OverdueResponse> LoadAsync(Caller caller, int days, ProposalStore proposals, EngineContextFactory contexts, CancellationToken cancellationToken)
    {
        var context = await contexts.CreateAsync(cancellationToken);
        var tasks = await proposals.TasksDueBeforeAsync(caller.Viewer, context.Now.AddDays(days), cancellationToken);
        var summaries = await proposals.SummariesAsync(tasks.Select(t => t.ProposalId).Distinct().ToList(), cancellationToken);
        var items = tasks.Select(t =>
        {
            var p = summaries[t.ProposalId];
            return new OverdueItem(p.Id, p.Title, p.State, p.Stage, p.KeySupervision, ProposalViews.Organization(context, p.PartyId), ProposalViews.Task(t, context));
        }).OrderByDescending(i => i.Task.Overdue).ThenByDescending(i => i.Task.DaysOverdue).ThenBy(i => i.Task.DueAt).ToList();
        return new OverdueResponse(days, items.Count(i => i.Task.Overdue), items.Count(i => !i.Task.Overdue), items);
    }
}
