using System.Linq.Expressions;
using Hangfire;
using Hangfire.InMemory;
using Microsoft.Extensions.Options;

namespace Proposals.Host.Jobs;

/// <summary>
/// Registers the recurring jobs with Hangfire at start, each with its configured cron and time zone. The settings
/// were checked before the database was touched (<see cref="Problems"/>, called by the start-up check).
/// </summary>
internal sealed class JobSchedule(IOptions<JobOptions> options, IServiceProvider services, ILogger<JobSchedule> logger) : IHostedService
{
    private static readonly Dictionary<string, Expression<Func<ScheduledJobs, Task>>> Calls = new(StringComparer.Ordinal)
    {
        [ScheduledJobs.DispatchReminders] = jobs => jobs.DispatchRemindersAsync(CancellationToken.None),
        [ScheduledJobs.SweepOverdue] = jobs => jobs.SweepOverdueAsync(CancellationToken.None),
        [ScheduledJobs.DeliverOutbox] = jobs => jobs.DeliverOutboxAsync(CancellationToken.None),
        [ScheduledJobs.SendDigest] = jobs => jobs.SendDigestAsync(CancellationToken.None),
        [ScheduledJobs.Purge] = jobs => jobs.PurgeAsync(CancellationToken.None),
    };

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            logger.LogInformation("Scheduled jobs are disabled on this host (Jobs:Enabled is false).");
            return Task.CompletedTask;
        }
        var manager = services.GetRequiredService<IRecurringJobManager>();
        Register(manager, settings);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>What is wrong with the job settings: unknown jobs, a time zone the machine does not know, schedules Hangfire cannot read.</summary>
    public static IReadOnlyList<string> Problems(JobOptions settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var problems = new List<string>();
        foreach (var job in settings.Schedules.Keys.Where(k => !ScheduledJobs.DefaultSchedules.ContainsKey(k)))
        {
            problems.Add($"{JobOptions.Section}:Schedules:{job} is not a job; the jobs are {string.Join(", ", ScheduledJobs.DefaultSchedules.Keys)}.");
        }
        if (settings.WorkerCount is < 1 or > 64)
        {
            problems.Add($"{JobOptions.Section}:WorkerCount is {settings.WorkerCount}; it must be between 1 and 64.");
        }
        if (settings.Lease < TimeSpan.FromSeconds(3) || settings.Lease > TimeSpan.FromHours(1))
        {
            problems.Add($"{JobOptions.Section}:Lease is {settings.Lease}; it must be between 00:00:03 and 01:00:00.");
        }
        if (settings.BatchSize is < 1 or > 5000)
        {
            problems.Add($"{JobOptions.Section}:BatchSize is {settings.BatchSize}; it must be between 1 and 5000.");
        }
        if (settings.ReminderMaxAttempts is < 1 or > 100)
        {
            problems.Add($"{JobOptions.Section}:ReminderMaxAttempts is {settings.ReminderMaxAttempts}; it must be between 1 and 100.");
        }
        if (settings.ReminderFirstRetryDelay <= TimeSpan.Zero || settings.ReminderMaxRetryDelay < settings.ReminderFirstRetryDelay)
        {
            problems.Add($"{JobOptions.Section}:ReminderFirstRetryDelay must be positive and at most {JobOptions.Section}:ReminderMaxRetryDelay.");
        }
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(settings.TimeZone ?? "", out _))
        {
            problems.Add($"{JobOptions.Section}:TimeZone '{settings.TimeZone}' is not a time zone this machine knows (use an IANA id such as Asia/Shanghai).");
            return problems;
        }
        // Hangfire's own parser decides what a valid schedule is; a scratch in-memory storage lets it judge without side effects.
        using var scratch = new InMemoryStorage();
        var manager = new RecurringJobManager(scratch);
        foreach (var job in ScheduledJobs.DefaultSchedules.Keys.Where(k => settings.Schedules.ContainsKey(k)))
        {
            try
            {
                manager.AddOrUpdate(job, Calls[job], settings.ScheduleOf(job), new RecurringJobOptions { TimeZone = TimeZoneInfo.FindSystemTimeZoneById(settings.TimeZone!) });
            }
            catch (ArgumentException ex)
            {
                problems.Add($"{JobOptions.Section}:Schedules:{job} '{settings.ScheduleOf(job)}' is not a cron expression Hangfire can read ({ex.GetBaseException().Message.Split('\n')[0].Trim()}); for example '* * * * *' runs every minute, '30 8 * * *' at 08:30.");
            }
        }
        return problems;
    }

    private void Register(IRecurringJobManager manager, JobOptions settings)
    {
        var timeZone = TimeZoneInfo.FindSystemTimeZoneById(settings.TimeZone);
        foreach (var (job, call) in Calls)
        {
            manager.AddOrUpdate(job, call, settings.ScheduleOf(job), new RecurringJobOptions { TimeZone = timeZone });
            logger.LogInformation("Job {Job} runs on '{Cron}' ({TimeZone})", job, settings.ScheduleOf(job), timeZone.Id);
        }
    }
}
