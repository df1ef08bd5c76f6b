using Microsoft.Extensions.Options;
using Proposals.Host.Auth;
using Proposals.Host.Jobs;
using Proposals.Host.Notifications;

namespace Proposals.Host.Startup;

/// <summary>
/// The first thing a starting host does: read every setting that can be wrong on its own (job schedules, the time
/// zone, message templates, notification channels, proxies and HTTPS) and refuse to start with all the problems at once, naming the keys.
/// Nothing has been touched by then, so nothing queued is lost.
/// </summary>
internal sealed class SettingsCheck(IServiceProvider services, IConfiguration configuration, ILogger<SettingsCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var problems = Problems(services, configuration);
        if (problems.Count > 0)
        {
            var message = "Invalid settings:\n" + string.Join('\n', problems.Select(p => "  " + p));
            logger.LogCritical("The service cannot start. {Reason}", message);
            throw new StartupRefusedException(message);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static IReadOnlyList<string> Problems(IServiceProvider services, IConfiguration configuration)
    {
        var problems = new List<string>();
        // A value of the wrong type (a port that is not a number) fails when the section is bound: report it like the rest.
        try
        {
            problems.AddRange(JobSchedule.Problems(services.GetRequiredService<IOptions<JobOptions>>().Value));
        }
        catch (InvalidOperationException ex)
        {
            problems.Add($"{JobOptions.Section}: {ex.Message}");
        }
        try
        {
            problems.AddRange(NotificationOptionsValidation.Problems(services.GetRequiredService<IOptions<NotificationOptions>>().Value));
        }
        catch (InvalidOperationException ex)
        {
            problems.Add($"{NotificationOptions.Section}: {ex.Message}");
        }
        problems.AddRange(MessageTemplates.Problems(configuration));
        problems.AddRange(OidcSignIn.Problems(configuration));
        problems.AddRange(Http.ReverseProxy.Problems(configuration));
        if (Monitoring.MetricsAccess.Networks(configuration).Problem is { } monitoring)
        {
            problems.Add(monitoring);
        }
        problems.AddRange(Time.ServiceTimeZone.Problems(configuration));
        problems.AddRange(Retention.RetentionOptions.Problems(configuration));
        return problems;
    }
}
