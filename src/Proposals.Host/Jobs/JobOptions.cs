namespace Proposals.Host.Jobs;

/// <summary>The <c>Jobs</c> section: whether this host runs the scheduled jobs, and when.</summary>
internal sealed class JobOptions
{
    public const string Section = "Jobs";

    /// <summary>False for a host that only serves requests while others run the jobs.</summary>
    public bool Enabled { get; set; } = true;

    public int WorkerCount { get; set; } = 4;

    /// <summary>The time zone the schedules are read in (an IANA id).</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>Cron per job id, overriding <see cref="ScheduledJobs.DefaultSchedules"/>.</summary>
    public Dictionary<string, string> Schedules { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// How long a dispatcher's claim on reminder and outbox rows lasts. A dispatcher renews it while its batch works (every
    /// third of it), so it can be short: the rows of a host that died are taken by another within about this long.
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Reminder rows one dispatch claims at a time.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>Failed attempts after which a reminder row that cannot be sent is dead-lettered.</summary>
    public int ReminderMaxAttempts { get; set; } = 5;

    /// <summary>The wait after a reminder row's first failure; each later failure doubles it, up to <see cref="ReminderMaxRetryDelay"/>.</summary>
    public TimeSpan ReminderFirstRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan ReminderMaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    public string ScheduleOf(string job) => Schedules.TryGetValue(job, out var cron) && !string.IsNullOrWhiteSpace(cron) ? cron : ScheduledJobs.DefaultSchedules[job];
}
