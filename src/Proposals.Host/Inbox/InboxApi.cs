using Microsoft.AspNetCore.Http.HttpResults;
using Proposals.Data.Proposals;
using Proposals.Host.Auth;
using Proposals.Host.Http;
using Proposals.Host.Proposals;

namespace Proposals.Host.Inbox;

/// <summary>My work (我的待办): the caller's open tasks and unread notifications.</summary>
internal static class InboxApi
{
    public sealed record InboxTask(long ProposalId, string ProposalTitle, string State, bool KeySupervision, TaskDeadlineView Task);

    public sealed record InboxResponse(IReadOnlyList<InboxTask> Tasks, IReadOnlyList<InboxNotification> Notifications);

    public sealed record MarkReadRequest(IReadOnlyList<long>? Ids);

    public sealed record MarkReadResponse(int Marked);

    public const int NotificationLimit = 100;

    public static IEndpointRouteBuilder MapInboxApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/inbox").WithTags("Inbox");
        group.MapGet("/", GetAsync);
        group.MapPost("/notifications/read", MarkReadAsync);
        return app;
    }

    private static async Task<Ok<InboxResponse>> GetAsync(HttpContext http, ProposalStore proposals, NotificationStore notifications, EngineContextFactory contexts, CancellationToken cancellationToken) =>
        TypedResults.Ok(await LoadAsync(Caller.From(http.User), proposals, notifications, contexts, cancellationToken));

    /// <summary>The caller's open tasks (those of their organisation that one of their roles may do) and unread notifications.</summary>
    public static async Task<InboxResponse> LoadAsync(Caller caller, ProposalStore proposals, NotificationStore notifications, EngineContextFactory contexts, CancellationToken cancellationToken)
    {
        var context = await contexts.CreateAsync(cancellationToken);
        var tasks = (await proposals.TasksOfOrganizationAsync(caller.OrganizationId, cancellationToken))
            .Where(t => t.Roles.Count == 0 || t.Roles.Any(caller.Roles.Contains)).ToList();
        var summaries = await proposals.SummariesAsync(tasks.Select(t => t.ProposalId).Distinct().ToList(), cancellationToken);
        var items = tasks.Where(t => summaries.ContainsKey(t.ProposalId)).Select(t =>
        {
            var p = summaries[t.ProposalId];
            return new InboxTask(p.Id, p.Title, p.State, p.KeySupervision, ProposalViews.Task(t, context));
        }).ToList();
        var unread = await notifications.ForViewerAsync(caller.Viewer, unreadOnly: true, NotificationLimit, cancellationToken);
        return new InboxResponse(items, unread);
    }

    private static async Task<Results<Ok<MarkReadResponse>, ProblemHttpResult>> MarkReadAsync(HttpContext http, NotificationStore notifications, TimeProvider time, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync<MarkReadRequest>(http.Request, ApiJson.Options, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        if (body!.Ids is not { Count: > 0 and <= 500 } ids)
        {
            return Problems.Validation("ids", "ids 应为 1 到 500 个通知编号");
        }
        var marked = await notifications.MarkReadAsync(Caller.From(http.User).Viewer, ids, time.GetUtcNow(), cancellationToken);
        return TypedResults.Ok(new MarkReadResponse(marked));
    }
}
