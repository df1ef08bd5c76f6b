using Microsoft.AspNetCore.Http.HttpResults;
using Proposals.Data.Reminders;
using Proposals.Engine.Definitions;
using Proposals.Host.Auth;
using Proposals.Host.Http;
using Proposals.Host.Proposals;

namespace Proposals.Host.Reminders;

/// <summary>
/// Reminder rows that failed too often to send (dead letters) as their keepers see them, and putting one back in the
/// queue, with a fresh count of attempts, once what made it fail has been put right.
/// </summary>
internal static class ReminderAdminApi
{
    public sealed record DeadRemindersResponse(int Page, int PageSize, ReminderCounts Counts, IReadOnlyList<DeadReminder> Items);

    public static IEndpointRouteBuilder MapReminderAdminApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/reminders").WithTags("Reminders");
        group.MapGet("/dead", ListDeadAsync)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/{id:long}/requeue", RequeueAsync)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Ok<DeadRemindersResponse>, ProblemHttpResult>> ListDeadAsync(
        string? page, string? pageSize, HttpContext http, ReminderStore reminders, CancellationToken cancellationToken)
    {
        if (!Caller.From(http.User).IsIn(Roles.Admin, Roles.Supervisor))
        {
            return Problems.Forbidden("只有系统管理员和督查室可以查看发送失败的提醒");
        }
        var errors = new Dictionary<string, string[]>();
        var pageNumber = QueryParsing.Int(page, "page", 1, 100_000, errors) ?? 1;
        var size = QueryParsing.Int(pageSize, "pageSize", 1, 200, errors) ?? 50;
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }
        var items = await reminders.ListDeadAsync((pageNumber - 1) * size, size, cancellationToken);
        return TypedResults.Ok(new DeadRemindersResponse(pageNumber, size, await reminders.CountsAsync(cancellationToken), items));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RequeueAsync(long id, HttpContext http, ReminderStore reminders, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!Caller.From(http.User).IsIn(Roles.Admin))
        {
            return Problems.Forbidden("只有系统管理员可以重新发送提醒");
        }
        return await reminders.RequeueDeadAsync(id, time.GetUtcNow(), cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound($"提醒 {id} 不存在，或不是发送失败（dead）的提醒");
    }
}
