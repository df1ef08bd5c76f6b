using Microsoft.AspNetCore.Http.HttpResults;
using Proposals.Data.Reminders;
using Proposals.Engine.Definitions;
using Proposals.Host.Auth;
using Proposals.Host.Http;
using Proposals.Host.Proposals;

namespace Proposals.Host.Notifications;

/// <summary>
/// The outbox as its keepers see it: deliveries by status (above all the dead letters, which no retry will send
/// any more), and putting a dead letter back in the queue once its channel works again.
/// </summary>
internal static class OutboxApi
{
    public sealed record OutboxResponse(string Status, int Page, int PageSize, DeliveryCounts Counts, IReadOnlyList<DeliveryRecord> Items);

    private static readonly string[] Statuses = ["dead", "pending", "sent"];

    public static IEndpointRouteBuilder MapOutboxApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/outbox").WithTags("Outbox");
        group.MapGet("/deliveries", ListAsync);
        group.MapPost("/deliveries/{id:long}/retry", RetryAsync);
        return app;
    }

    private static async Task<Results<Ok<OutboxResponse>, ProblemHttpResult>> ListAsync(
        string? status, string? page, string? pageSize, HttpContext http, OutboxStore outbox, CancellationToken cancellationToken)
    {
        if (!Caller.From(http.User).IsIn(Roles.Admin, Roles.Supervisor))
        {
            return Problems.Forbidden("只有系统管理员和督查室可以查看消息投递情况");
        }
        var errors = new Dictionary<string, string[]>();
        var wanted = status ?? "dead";
        if (!Statuses.Contains(wanted, StringComparer.Ordinal))
        {
            errors["status"] = [$"status 应为 {string.Join("、", Statuses)} 之一"];
        }
        var pageNumber = QueryParsing.Int(page, "page", 1, 100_000, errors) ?? 1;
        var size = QueryParsing.Int(pageSize, "pageSize", 1, 200, errors) ?? 50;
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }
        var items = await outbox.ListAsync(wanted, (pageNumber - 1) * size, size, cancellationToken);
        return TypedResults.Ok(new OutboxResponse(wanted, pageNumber, size, await outbox.CountsAsync(cancellationToken), items));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RetryAsync(long id, HttpContext http, OutboxStore outbox, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!Caller.From(http.User).IsIn(Roles.Admin))
        {
            return Problems.Forbidden("只有系统管理员可以重新投递消息");
        }
        return await outbox.RetryDeadAsync(id, time.GetUtcNow(), cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound($"投递记录 {id} 不存在，或不是投递失败（dead）的记录");
    }
}
