using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Proposals.Data.Proposals;
using Proposals.Data.Topics;
using Proposals.Host.Auth;
using Proposals.Host.Exports;
using Proposals.Host.Http;
using Proposals.Host.Workflows;

namespace Proposals.Host.Proposals;

/// <summary>Drafts, lists, details, actions and history of proposals.</summary>
internal static class ProposalsApi
{
    public const int MaxTextFilter = 200;

    public static IEndpointRouteBuilder MapProposalsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/proposals").WithTags("Proposals");
        group.MapPost("/", CreateAsync);
        group.MapGet("/", ListAsync);
        group.MapGet("/export.xlsx", ExportAsync);
        group.MapGet("/{id:long}", GetAsync);
        group.MapPost("/{id:long}/actions/{actionId}", ActAsync);
        group.MapGet("/{id:long}/history", HistoryAsync);
        group.MapGet("/{id:long}/revisions", RevisionsAsync);
        group.MapGet("/{id:long}/revisions/{number:int}", RevisionAsync);
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, ProposalActions actions, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync<CreateProposalRequest>(http.Request, ApiJson.Options, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        return await actions.CreateAsync(Caller.From(http.User), body!, IdempotencyKey(http), cancellationToken);
    }

    private static string? IdempotencyKey(HttpContext http) =>
        http.Request.Headers.TryGetValue("Idempotency-Key", out var values) ? values.ToString() : null;

    private static async Task<Results<Ok<ProposalView>, ProblemHttpResult>> GetAsync(long id, HttpContext http, ProposalActions actions, CancellationToken cancellationToken)
    {
        var view = await actions.ViewAsync(Caller.From(http.User), id, cancellationToken);
        return view is null ? Problems.NotFound($"提案 {id} 不存在，或不属于本单位") : TypedResults.Ok(view);
    }

    private static async Task<IResult> ActAsync(long id, string actionId, HttpContext http, ProposalActions actions, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync<ActionRequest>(http.Request, ApiJson.Options, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        return await actions.ApplyAsync(Caller.From(http.User), id, actionId, body!, IdempotencyKey(http), cancellationToken);
    }

    public sealed record ListResponse(IReadOnlyList<ProposalListView> Items, int Total, int Page, int PageSize);

    private static async Task<Results<Ok<ListResponse>, ProblemHttpResult>> ListAsync(
        HttpContext http, ProposalStore store, WorkflowCatalog catalog, EngineContextFactory contexts,
        [FromQuery] string? stage, [FromQuery] string? state, [FromQuery] string? overdue, [FromQuery] string? organizationId,
        [FromQuery] string? q, [FromQuery] string? page, [FromQuery] string? pageSize, [FromQuery] string? year, [FromQuery] string? keySupervision,
        CancellationToken cancellationToken)
    {
        var definition = catalog.Latest(ProposalActions.ProposalWorkflowId)!;
        var errors = new Dictionary<string, string[]>();
        var query = QueryParsing.Proposals(definition, stage, state, overdue, organizationId, q, page, pageSize, year, keySupervision, errors);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }
        return TypedResults.Ok(await QueryAsync(Caller.From(http.User), query, store, catalog, contexts, cancellationToken));
    }

    private static async Task<IResult> ExportAsync(
        HttpContext http, ProposalStore store, TopicStore topics, WorkflowCatalog catalog, EngineContextFactory contexts,
        [FromQuery] string? stage, [FromQuery] string? state, [FromQuery] string? overdue, [FromQuery] string? organizationId,
        [FromQuery] string? q, [FromQuery] string? year, [FromQuery] string? keySupervision, CancellationToken cancellationToken)
    {
        var definition = catalog.Latest(ProposalActions.ProposalWorkflowId)!;
        var errors = new Dictionary<string, string[]>();
        var query = QueryParsing.Proposals(definition, stage, state, overdue, organizationId, q, null, null, year, keySupervision, errors);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }
        return await ExportWorkbookAsync(Caller.From(http.User), query, store, topics, catalog, contexts, cancellationToken);
    }

    /// <summary>Every proposal the caller may see that matches the filters, as a workbook; 422 when there are more than an export holds.</summary>
    public static async Task<IResult> ExportWorkbookAsync(Caller caller, ProposalQuery query, ProposalStore store, TopicStore topics, WorkflowCatalog catalog, EngineContextFactory contexts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var context = await contexts.CreateAsync(cancellationToken);
        var items = await store.AllAsync(caller.Viewer, query, context.Now, ExportSheets.MaxProposalRows, cancellationToken);
        if (items.Count > ExportSheets.MaxProposalRows)
        {
            return Problems.Unprocessable("导出的提案过多", $"一次最多导出 {ExportSheets.MaxProposalRows} 件；请按年度、阶段或单位缩小范围");
        }
        var names = catalog.All.SelectMany(p => p.Definition.States).GroupBy(s => s.Id).ToDictionary(g => g.Key, g => g.Last().Name);
        var titles = (await topics.ListAsync(null, cancellationToken)).ToDictionary(t => t.Id, t => t.Title);
        var sheets = ExportSheets.Proposals(items.Select(i => ProposalViews.ListItem(i, names, context)).ToList(), catalog.Latest(ProposalActions.ProposalWorkflowId)!, titles, context);
        return TypedResults.File(Workbook.Write(sheets), Workbook.ContentType, ExportSheets.ProposalsFileName(context.Now));
    }

    /// <summary>One page of the proposals the caller may see.</summary>
    public static async Task<ListResponse> QueryAsync(Caller caller, ProposalQuery query, ProposalStore store, WorkflowCatalog catalog, EngineContextFactory contexts, CancellationToken cancellationToken)
    {
        var context = await contexts.CreateAsync(cancellationToken);
        var result = await store.ListAsync(caller.Viewer, query, context.Now, cancellationToken);
        var names = catalog.All.SelectMany(p => p.Definition.States).GroupBy(s => s.Id).ToDictionary(g => g.Key, g => g.Last().Name);
        return new ListResponse(result.Items.Select(i => ProposalViews.ListItem(i, names, context)).ToList(), result.Total, result.PageNumber, result.PageSize);
    }

    private static async Task<Results<Ok<IReadOnlyList<RevisionView>>, ProblemHttpResult>> RevisionsAsync(long id, HttpContext http, ProposalActions actions, CancellationToken cancellationToken)
    {
        var revisions = await actions.RevisionsAsync(Caller.From(http.User), id, cancellationToken);
        return revisions is null ? Problems.NotFound($"提案 {id} 不存在，或不属于本单位") : TypedResults.Ok(revisions);
    }

    private static async Task<Results<Ok<RevisionView>, ProblemHttpResult>> RevisionAsync(long id, int number, HttpContext http, ProposalActions actions, CancellationToken cancellationToken)
    {
        var revisions = await actions.RevisionsAsync(Caller.From(http.User), id, cancellationToken);
        if (revisions is null)
        {
            return Problems.NotFound($"提案 {id} 不存在，或不属于本单位");
        }
        return revisions.FirstOrDefault(r => r.Number == number) is { } revision
            ? TypedResults.Ok(revision)
            : Problems.NotFound($"提案 {id} 没有第 {number} 稿；现有第 1 至 {revisions.Count} 稿");
    }

    private static async Task<Results<Ok<List<HistoryView>>, ProblemHttpResult>> HistoryAsync(
        long id, HttpContext http, ProposalStore store, WorkflowCatalog catalog, EngineContextFactory contexts, CancellationToken cancellationToken)
    {
        var history = await HistoryOfAsync(Caller.From(http.User), id, store, catalog, contexts, cancellationToken);
        return history is null ? Problems.NotFound($"提案 {id} 不存在，或不属于本单位") : TypedResults.Ok(history);
    }

    /// <summary>An item's history, oldest first, or null when the caller may not see the item.</summary>
    public static async Task<List<HistoryView>?> HistoryOfAsync(Caller caller, long id, ProposalStore store, WorkflowCatalog catalog, EngineContextFactory contexts, CancellationToken cancellationToken)
    {
        var record = await store.FindAsync(id, caller.Viewer, cancellationToken);
        if (record is null)
        {
            return null;
        }
        var definition = await catalog.GetAsync(record.Instance.WorkflowId, record.Instance.WorkflowVersion, cancellationToken);
        var context = await contexts.CreateAsync(cancellationToken);
        var events = await store.HistoryAsync(id, caller.Viewer, cancellationToken);
        return events.Select(e => ProposalViews.History(e, definition, context)).ToList();
    }
}
