using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Proposals.Data.Calendar;
using Proposals.Data.Organizations;
using Proposals.Data.Reminders;
using Proposals.Engine.Calendar;
using Proposals.Engine.Execution;
using Microsoft.Extensions.Options;
using Proposals.Host.Jobs;
using Proposals.Host.Notifications;
using Proposals.Host.Proposals;

namespace Proposals.Host.Reminders;

/// <summary>
/// Turns due reminder rows into notifications: claims a batch with a lease, words each message from the task and
/// item it is about, and delivers it in one transaction with marking it sent (and scheduling the next occurrence of
/// a repeating rung). Safe to run on several hosts at once and to run twice: a row is sent by the claim holder only.
/// A rung that flags the item for key supervision does so through the engine, as the service's own account, before
/// the notice goes out; the engine refuses a second flag, so a retried rung flags once.
/// </summary>
internal sealed class ReminderDispatcher(
    ReminderStore reminders,
    CalendarStore calendar,
    OrganizationStore organizations,
    ProposalActions actions,
    SystemAccount system,
    MessageTemplates templates,
    Links links,
    TimeProvider time,
    IConfiguration configuration,
    IOptionsMonitor<JobOptions> jobOptions,
    ILogger<ReminderDispatcher> logger)
{
    public const string FlagKeyAction = "flag-key";
    private static readonly JsonSerializerOptions RecipientJson = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Dispatches up to <paramref name="batchSize"/> due reminders of the given levels; returns how many were sent.
    /// Each row is handled on its own: one that cannot be sent counts an attempt, waits
    /// (1, 2, 4 … minutes) and is dead-lettered after <see cref="JobOptions.ReminderMaxAttempts"/>, and the rest of
    /// the batch goes on. The claim's lease is renewed while the batch works.
    /// </summary>
    public async Task<int> DispatchDueAsync(string owner, ReminderLevels levels, int batchSize, CancellationToken cancellationToken)
    {
        var settings = jobOptions.CurrentValue;
        var now = time.GetUtcNow();
        var batch = await reminders.ClaimDueAsync(owner, now, batchSize, settings.Lease, levels, cancellationToken);
        if (batch.Count == 0)
        {
            return 0;
        }
        var ids = batch.Select(r => r.Id).ToList();
        await using var heartbeat = LeaseHeartbeat.Start((until, token) => reminders.RenewAsync(owner, ids, until, token), settings.Lease, time, logger, cancellationToken);
        IReadOnlyDictionary<long, ReminderSubject>? subjects;
        try
        {
            subjects = await reminders.SubjectsAsync(ids, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // One unreadable row must not hold back the others: read them one by one instead.
            logger.LogWarning(ex, "Reading the subjects of {Count} reminders at once failed; reading them one by one", ids.Count);
            subjects = null;
        }
        var context = new EngineContext(now, await calendar.LoadAsync(cancellationToken), await organizations.DirectoryAsync(cancellationToken), Time.ServiceTimeZone.IdFrom(configuration));
        var sent = 0;
        foreach (var reminder in batch)
        {
            try
            {
                var found = subjects ?? await reminders.SubjectsAsync([reminder.Id], cancellationToken);
                if (!found.TryGetValue(reminder.Id, out var subject))
                {
                    throw new InvalidOperationException($"reminder {reminder.Id} names task row {reminder.TaskRowId} of proposal {reminder.ProposalId}, which does not exist");
                }
                if (!subject.TaskOpen)
                {
                    await reminders.CancelClaimedAsync(reminder.Id, owner, cancellationToken);
                    continue;
                }
                var notices = Notices(reminder, subject, context);
                if (reminder.FlagKey)
                {
                    await FlagForKeySupervisionAsync(reminder, subject, context, cancellationToken);
                }
                if (await reminders.DeliverAsync(reminder, owner, notices, NextOccurrence(reminder, context), now, cancellationToken))
                {
                    sent++;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                await FailAsync(reminder, owner, ex, settings, cancellationToken);
            }
        }
        return sent;
    }

    /// <summary>The wait before attempt <paramref name="failedAttempts"/> + 1: the first delay, doubled per failure, capped.</summary>
    internal static TimeSpan RetryDelay(JobOptions settings, int failedAttempts)
    {
        var factor = Math.Pow(2, Math.Clamp(failedAttempts - 1, 0, 30));
        return TimeSpan.FromTicks((long)Math.Min(settings.ReminderFirstRetryDelay.Ticks * factor, settings.ReminderMaxRetryDelay.Ticks));
    }

    private async Task FailAsync(DueReminder reminder, string owner, Exception error, JobOptions settings, CancellationToken cancellationToken)
    {
        var attempt = reminder.Attempts + 1;
        var retryAt = time.GetUtcNow() + RetryDelay(settings, attempt);
        var reason = $"{error.GetType().Name}: {error.Message}";
        try
        {
            await reminders.MarkFailedAsync(reminder.Id, owner, reason, retryAt, settings.ReminderMaxAttempts, time.GetUtcNow(), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The row stays claimed and is tried again after the lease; the count of attempts misses this one.
            logger.LogError(ex, "Could not record the failure of reminder {ReminderId}", reminder.Id);
        }
        if (attempt >= settings.ReminderMaxAttempts)
        {
            logger.LogError(error, "Reminder {ReminderId} failed {Attempts} times and is dead-lettered: {Error}", reminder.Id, attempt, reason);
        }
        else
        {
            logger.LogWarning(error, "Reminder {ReminderId} failed (attempt {Attempt}), tried again at {RetryAt:o}: {Error}", reminder.Id, attempt, retryAt, reason);
        }
    }

    private async Task FlagForKeySupervisionAsync(DueReminder reminder, ReminderSubject subject, EngineContext context, CancellationToken cancellationToken)
    {
        // The rung's threshold (full working days late when it came due), whenever the dispatcher gets to it.
        var days = subject.DueDate is { } date ? context.ClockFor(subject.OrganizationId).WorkingDaysOverdue(date, reminder.DueAt.AddTicks(-1)) : 0;
        var reason = $"“{subject.TaskName}”逾期已满 {days} 个工作日，按督办规则自动列为重点督办件";
        var refusal = await actions.ApplyAsSystemAsync(
            await system.ActorAsync(cancellationToken), subject.ProposalId, FlagKeyAction, new JsonObject { ["reason"] = reason }, reason, cancellationToken);
        if (refusal is not null)
        {
            // Already flagged (by a supervisor, or by this rung on an earlier run that did not finish): nothing to do.
            logger.LogDebug("Proposal {ProposalId} was not flagged for key supervision: {Reason}", subject.ProposalId, refusal.Message);
        }
    }

    private List<ReminderNotice> Notices(DueReminder reminder, ReminderSubject subject, EngineContext context)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["item"] = subject.Title,
            ["itemShort"] = Shorten(subject.Title),
            ["step"] = subject.TaskName,
            ["organization"] = context.NameOf(subject.OrganizationId),
            ["due"] = subject.DueDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "—",
            ["days"] = DaysOverdue(subject, context).ToString(CultureInfo.InvariantCulture),
            ["level"] = LevelName(reminder.Level),
            ["link"] = links.Proposal(subject.ProposalId),
        };
        var (title, body) = templates.Fill(reminder.Level == "reminder" ? MessageTemplates.Reminder : MessageTemplates.Overdue, values);
        var recipients = JsonSerializer.Deserialize<List<Recipient>>(reminder.Recipients, RecipientJson) ?? [];
        return recipients.Select(r => new ReminderNotice(
            r.OrganizationId, r.OrganizationKind is { } kind ? OrganizationStore.KindText(kind) : null, r.Role, $"reminder-{reminder.Level}", title, body)).ToList();
    }

    private static int DaysOverdue(ReminderSubject subject, EngineContext context) =>
        subject.DueDate is { } date ? context.ClockFor(subject.OrganizationId).WorkingDaysOverdue(date, context.Now) : 0;

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
