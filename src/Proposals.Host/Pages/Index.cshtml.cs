using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Proposals.Data.Proposals;
using Proposals.Host.Auth;
using Proposals.Host.Inbox;
using Proposals.Host.Proposals;

namespace Proposals.Host.Pages;

/// <summary>My work (我的待办): the tasks waiting for the signed-in user, coloured by urgency, and what they were told.</summary>
internal sealed class IndexModel(ProposalStore proposals, NotificationStore notifications, EngineContextFactory contexts, TimeProvider time) : PageModel
{
    public InboxApi.InboxResponse Inbox { get; private set; } = new([], []);

    public DateTimeOffset Now { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Now = time.GetUtcNow();
        Inbox = await InboxApi.LoadAsync(Caller.From(User), proposals, notifications, contexts, cancellationToken);
    }

    public async Task<IActionResult> OnPostReadAsync(long[] ids, CancellationToken cancellationToken)
    {
        if (ids.Length is > 0 and <= InboxApi.NotificationLimit)
        {
            await notifications.MarkReadAsync(Caller.From(User).Viewer, ids, time.GetUtcNow(), cancellationToken);
        }
        return RedirectToPage();
    }

    /// <summary>overdue, due within seven days, or later: the colours of the list.</summary>
    public static string Urgency(TaskDeadlineView task, DateTimeOffset now) =>
        task.Overdue ? "late" : task.DueAt is { } due && due - now <= TimeSpan.FromDays(7) ? "soon" : "later";
}
