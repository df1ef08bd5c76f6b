using System.Globalization;
using System.Text.Json;
using Proposals.Data.Calendar;
using Proposals.Data.Organizations;
using Proposals.Data.Reminders;
using Proposals.Engine.Calendar;
using Proposals.Engine.Execution;

namespace Proposals.Host.Reminders;

/// <summary>
/// Turns due reminder rows into notifications: claims a batch with a lease, words each message from the task and
/// item it is about, and delivers it in one transaction with marking it sent (and scheduling the next occurrence of
/// a repeating rung). Safe to run on several hosts at once and to run twice: a row is sent by the claim holder only.
/// </summary>
internal sealed class ReminderDispatcher(ReminderStore reminders, CalendarStore calendar, OrganizationStore organizations, TimeProvider time, IConfiguration configuration)
{
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);
    private static readonly JsonSerializerOptions RecipientJson = new(JsonSerializerDefaults.Web);

    /// <summary>Dispatches up to <paramref name="batchSize"/> due reminders; returns how many were sent.</summary>
    public async Task<int> DispatchDueAsync(string owner, int batchSize, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var batch = await reminders.ClaimDueAsync(owner, now, batchSize, Lease, cancellationToken);
        if (batch.Count == 0)
        {
            return 0;
        }
        var subjects = await reminders.SubjectsAsync(batch.Select(r => r.Id).ToList(), cancellationToken);
        var context = new EngineContext(now, await calendar.LoadAsync(cancellationToken), await organizations.DirectoryAsync(cancellationToken), configuration["Proposals:TimeZone"] ?? "Asia/Shanghai");
        var sent = 0;
        foreach (var reminder in batch)
        {
            if (!subjects.TryGetValue(reminder.Id, out var subject) || !subject.TaskOpen)
            {
                await reminders.CancelClaimedAsync(reminder.Id, owner, cancellationToken);
                continue;
            }
            var notices = Notices(reminder, subject, context);
            if (await reminders.DeliverAsync(reminder, owner, notices, NextOccurrence(reminder, context), now, cancellationToken))
            {
                sent++;
            }
        }
        return sent;
    }

    private List<ReminderNotice> Notices(DueReminder reminder, ReminderSubject subject, EngineContext context)
    {
        var due = subject.DueDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "—";
        var organization = context.NameOf(subject.OrganizationId);
        var link = $"{(configuration["Proposals:PublicUrl"] ?? "http://127.0.0.1:5080").TrimEnd('/')}/api/proposals/{subject.ProposalId}";
        string title;
        string body;
        if (reminder.Level == "reminder")
        {
            title = $"到期提醒：《{Shorten(subject.Title)}》{subject.TaskName}将于 {due} 到期";
            body = $"《{subject.Title}》的“{subject.TaskName}”由{organization}办理，办理期限为 {due}，请及时办理。{link}";
        }
        else
        {
            var days = subject.DueDate is { } date ? context.ClockFor(subject.OrganizationId).WorkingDaysOverdue(date, context.Now) : 0;
            title = $"{LevelName(reminder.Level)}：《{Shorten(subject.Title)}》{subject.TaskName}已逾期";
            body = $"《{subject.Title}》的“{subject.TaskName}”由{organization}办理，办理期限 {due} 已过，已逾期 {days} 个工作日，请立即办理。{link}";
        }
        var recipients = JsonSerializer.Deserialize<List<Recipient>>(reminder.Recipients, RecipientJson) ?? [];
        return recipients.Select(r => new ReminderNotice(
            r.OrganizationId, r.OrganizationKind is { } kind ? OrganizationStore.KindText(kind) : null, r.Role, $"reminder-{reminder.Level}", title, body)).ToList();
    }

    // A repeating rung comes back each interval at the start of the working morning, for as long as its task stays open.
    private static DateTimeOffset? NextOccurrence(DueReminder reminder, EngineContext context)
    {
        if (!Duration.TryParse(reminder.RepeatEvery, out var every) || every.Amount <= 0)
        {
            return null;
        }
        var clock = context.ClockFor(null);
        var from = clock.LocalDate(reminder.DueAt > context.Now ? reminder.DueAt : context.Now);
        return clock.ReminderAt(clock.DueDateAfter(from, every));
    }

    private static string LevelName(string level) => level switch
    {
        "blue" => "蓝色督办",
        "yellow" => "黄色督办",
        "red" => "红色督办",
        _ => "逾期提醒",
    };

    private static string Shorten(string title) => title.Length <= 40 ? title : title[..40] + "…";
}
