using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Proposals.Data.Reminders;
using Proposals.Engine.Definitions;
using Proposals.Host.Auth;

namespace Proposals.Host.Pages.Admin;

/// <summary>
/// Dead letters (发送失败): reminders and channel deliveries that failed too often and are no longer tried, each with its
/// last error and a button that puts it back in the queue with a fresh count of attempts.
/// </summary>
internal sealed class DeadLettersPageModel(ReminderStore reminders, OutboxStore outbox, TimeProvider time) : PageModel
{
    private const int Shown = 200;

    public IReadOnlyList<DeadReminder> Reminders { get; private set; } = [];

    public IReadOnlyList<DeliveryRecord> Deliveries { get; private set; } = [];

    public ReminderCounts ReminderCounts { get; private set; } = new(0, 0);

    public DeliveryCounts DeliveryCounts { get; private set; } = new(0, 0, 0);

    public string? Problem { get; private set; }

    public string? Done { get; private set; }

    public Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostRequeueReminderAsync(long id, CancellationToken cancellationToken)
    {
        if (!Caller.From(User).IsIn(Roles.Admin))
        {
            return Forbid();
        }
        Answer(await reminders.RequeueDeadAsync(id, time.GetUtcNow(), cancellationToken), $"已将提醒 {id} 重新排队", $"提醒 {id} 不存在，或不是发送失败的提醒");
        return await LoadAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostRequeueDeliveryAsync(long id, CancellationToken cancellationToken)
    {
        if (!Caller.From(User).IsIn(Roles.Admin))
        {
            return Forbid();
        }
        Answer(await outbox.RetryDeadAsync(id, time.GetUtcNow(), cancellationToken), $"已将投递 {id} 重新排队", $"投递记录 {id} 不存在，或不是投递失败的记录");
        return await LoadAsync(cancellationToken);
    }

    private void Answer(bool requeued, string done, string problem)
    {
        if (requeued)
        {
            Done = done;
        }
        else
        {
            Problem = problem;
            Response.StatusCode = StatusCodes.Status404NotFound;
        }
    }

    private async Task<IActionResult> LoadAsync(CancellationToken cancellationToken)
    {
        if (!Caller.From(User).IsIn(Roles.Admin))
        {
            return Forbid();
        }
        Reminders = await reminders.ListDeadAsync(0, Shown, cancellationToken);
        ReminderCounts = await reminders.CountsAsync(cancellationToken);
        Deliveries = await outbox.ListAsync("dead", 0, Shown, cancellationToken);
        DeliveryCounts = await outbox.CountsAsync(cancellationToken);
        return Page();
    }
}
