using System.Globalization;
using System.Text;
using Proposals.Data;
using Proposals.Data.Proposals;
using Proposals.Data.Reminders;
using Proposals.Host.Notifications;
using Proposals.Host.Proposals;

namespace Proposals.Host.Supervision;

/// <summary>
/// The supervision office's daily digest (督查日报): every open step overdue or due within a week, grouped by the
/// organisation that owes it. Sent once per working day however many hosts or runs try, to the supervisors.
/// </summary>
internal sealed class SupervisorDigest(ProposalStore proposals, OutboxStore outbox, EngineContextFactory contexts, MessageTemplates templates, Links links)
{
    public const string Job = "supervisor-digest";
    public const int WithinDays = 7;
    private const int ListedPerOrganization = 20;

    /// <summary>Sends today's digest; false when today is not a working day or the digest has gone out already.</summary>
    public async Task<bool> SendAsync(CancellationToken cancellationToken)
    {
        var context = await contexts.CreateAsync(cancellationToken);
        var clock = context.ClockFor(null);
        var today = clock.LocalDate(context.Now);
        var runKey = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (!clock.Calendar.IsWorkingDay(today) || await outbox.HasRunAsync(Job, runKey, cancellationToken))
        {
            return false;
        }
        var tasks = await proposals.TasksDueBeforeAsync(Viewer.SupervisionOffice, context.Now.AddDays(WithinDays), cancellationToken);
        var summaries = await proposals.SummariesAsync(tasks.Select(t => t.ProposalId).Distinct().ToList(), cancellationToken);
        var lines = tasks.Select(t => (Task: ProposalViews.Task(t, context), Item: summaries[t.ProposalId])).ToList();

        var details = new StringBuilder();
        foreach (var group in lines.GroupBy(l => l.Task.Organization.Name).OrderByDescending(g => g.Count(l => l.Task.Overdue)).ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            details.Append(CultureInfo.InvariantCulture, $"【{group.Key}】逾期 {group.Count(l => l.Task.Overdue)} 件，即将到期 {group.Count(l => !l.Task.Overdue)} 件\n");
            foreach (var (task, item) in group.OrderByDescending(l => l.Task.DaysOverdue).ThenBy(l => l.Task.DueAt).Take(ListedPerOrganization))
            {
                var due = task.DueDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "—";
                var status = task.Overdue ? $"逾期 {task.DaysOverdue} 个工作日" : $"{due} 到期";
                details.Append(CultureInfo.InvariantCulture, $"  · 《{item.Title}》{task.Name}（期限 {due}，{status}）{(item.KeySupervision ? "［重点督办］" : "")}\n");
            }
            if (group.Count() > ListedPerOrganization)
            {
                details.Append(CultureInfo.InvariantCulture, $"  · 另有 {group.Count() - ListedPerOrganization} 件，见督查页面\n");
            }
        }
        var (title, body) = templates.Fill(MessageTemplates.Digest, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["date"] = runKey,
            ["overdue"] = lines.Count(l => l.Task.Overdue).ToString(CultureInfo.InvariantCulture),
            ["dueSoon"] = lines.Count(l => !l.Task.Overdue).ToString(CultureInfo.InvariantCulture),
            ["withinDays"] = WithinDays.ToString(CultureInfo.InvariantCulture),
            ["details"] = details.Length == 0 ? "今日无逾期或即将到期事项。" : details.ToString().TrimEnd('\n'),
            ["link"] = links.Supervision,
        });
        var notice = new ReminderNotice(null, "supervision", Engine.Definitions.Roles.Supervisor, "digest", title, body);
        return await outbox.PostOnceAsync(Job, runKey, [notice], context.Now, cancellationToken);
    }
}
