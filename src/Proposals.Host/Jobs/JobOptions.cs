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

    public string ScheduleOf(string job) => Schedules.TryGetValue(job, out var cron) && !string.IsNullOrWhiteSpace(cron) ? cron : ScheduledJobs.DefaultSchedules[job];
}
