using Microsoft.Extensions.Options;
using Proposals.Host.Jobs;
using Proposals.Host.Notifications;

namespace Proposals.Host.Startup;

/// <summary>
/// The first thing a starting host does: read every setting that can be wrong on its own (job schedules, the time
/// zone, message templates, notification channels) and refuse to start with all the problems at once, naming the keys.
/// Nothing has been touched by then, so nothing queued is lost.
/// </summary>
internal sealed class SettingsCheck(IOptions<JobOptions> jobs, IConfiguration configuration, ILogger<SettingsCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var problems = Problems(jobs.Value, configuration);
        if (problems.Count > 0)
        {
            var message = "Invalid settings:\n" + string.Join('\n', problems.Select(p => "  " + p));
            logger.LogCritical("The service cannot start. {Reason}", message);
            throw new StartupRefusedException(message);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static IReadOnlyList<string> Problems(JobOptions jobs, IConfiguration configuration) =>
        [.. JobSchedule.Problems(jobs), .. MessageTemplates.Problems(configuration)];
}
