using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Proposals.Host.Notifications;

/// <summary>
/// Readiness of email: whether the SMTP server answers. Degraded, not unhealthy, when it does not: the service works
/// and queued mail waits for it, retried with back-off, so nothing is lost while it is down.
/// </summary>
internal sealed class SmtpHealthCheck(IOptionsMonitor<NotificationOptions> options) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var settings = options.CurrentValue;
        if (!settings.Channels.Any(c => c.Type == ChannelTypes.Email))
        {
            return HealthCheckResult.Healthy("no email channel is configured");
        }
        try
        {
            await EmailChannel.SendAsync(settings.Smtp, Timeout, _ => Task.CompletedTask, cancellationToken);
            return HealthCheckResult.Healthy($"SMTP server {settings.Smtp.Host}:{settings.Smtp.Port} answers");
        }
        catch (ChannelDeliveryException ex)
        {
            return HealthCheckResult.Degraded($"SMTP server cannot be reached; email waits in the outbox: {ex.Message}");
        }
    }
}
