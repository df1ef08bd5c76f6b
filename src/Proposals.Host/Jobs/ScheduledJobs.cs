using Hangfire;
using Microsoft.Extensions.Options;
using Proposals.Data.Reminders;
using Proposals.Host.Notifications;
using Proposals.Host.Reminders;
using Proposals.Host.Supervision;

namespace Proposals.Host.Jobs;

/// <summary>
/// The recurring jobs Hangfire runs. Each takes no arguments and calls work that is safe to run twice and on several
/// hosts at once (claims with leases, once-per-day keys), so Hangfire's own retries are switched off: the next
/// occurrence, a minute later, is the retry.
/// </summary>
internal sealed class ScheduledJobs(ReminderDispatcher reminders, OutboxDispatcher outbox, SupervisorDigest digest, Retention.RetentionPurge purge, IOptionsMonitor<JobOptions> options, TimeProvider time)
{
    public const string DispatchReminders = "dispatch-reminders";
    public const string SweepOverdue = "overdue-sweep";
    public const string DeliverOutbox = "deliver-outbox";
    public const string SendDigest = "supervisor-digest";
    public const string Purge = "purge";

    /// <summary>The jobs and their default schedules (cron, in <see cref="JobOptions.TimeZone"/>).</summary>
    public static readonly IReadOnlyDictionary<string, string> DefaultSchedules = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [DispatchReminders] = "* * * * *",
        [SweepOverdue] = "* * * * *",
        [DeliverOutbox] = "* * * * *",
        [SendDigest] = "30 8 * * *",
        [Purge] = "15 3 * * *",
    };

    // One run keeps taking batches while there is work, but hands over before the next occurrence is due.
    private static readonly TimeSpan RunBudget = TimeSpan.FromSeconds(50);

    // A claim names its holder; a fresh name per process means a restarted host never mistakes an old lease for its own.
    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    [AutomaticRetry(Attempts = 0)]
    public Task DispatchRemindersAsync(CancellationToken cancellationToken)
    {
        var batchSize = options.CurrentValue.BatchSize;
        return RepeatAsync(() => reminders.DispatchDueAsync(_owner, ReminderLevels.BeforeDeadline, batchSize, cancellationToken), batchSize, cancellationToken);
    }

    [AutomaticRetry(Attempts = 0)]
    public Task SweepOverdueAsync(CancellationToken cancellationToken)
    {
        var batchSize = options.CurrentValue.BatchSize;
        return RepeatAsync(() => reminders.DispatchDueAsync(_owner, ReminderLevels.Escalations, batchSize, cancellationToken), batchSize, cancellationToken);
    }

    [AutomaticRetry(Attempts = 0)]
    public Task DeliverOutboxAsync(CancellationToken cancellationToken) =>
        RepeatAsync(async () =>
        {
            var run = await outbox.DeliverAsync(_owner, cancellationToken);
            return Math.Max(run.Routed, run.Sent + run.Failed);
        }, outbox.BatchSize, cancellationToken);

    [AutomaticRetry(Attempts = 0)]
    public Task SendDigestAsync(CancellationToken cancellationToken) => digest.SendAsync(cancellationToken);

    // Deleting what is already gone deletes nothing, so a second run, or two hosts at once, is harmless.
    [AutomaticRetry(Attempts = 0)]
    public Task PurgeAsync(CancellationToken cancellationToken) => purge.RunAsync(cancellationToken);

    private async Task RepeatAsync(Func<Task<int>> batch, int batchSize, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        while (!cancellationToken.IsCancellationRequested && await batch() >= batchSize && time.GetElapsedTime(started) < RunBudget)
        {
        }
    }
}
