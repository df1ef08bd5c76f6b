using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Proposals.Host.Notifications;

/// <summary>
/// Readiness of email: whether the SMTP server answers. Degraded, not unhealthy, when it does not: the service works
/// and queued mail waits for it, retried with back-off, so nothing is lost while it is down. A probe's answer is
/// kept for a short while, so frequent readiness probes do not open a connection to the mail server each time.
/// </summary>
internal sealed class SmtpHealthCheck(IOptionsMonitor<NotificationOptions> options, TimeProvider time) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan KeepAnswer = TimeSpan.FromSeconds(30);

    private (DateTimeOffset At, string Server, HealthCheckResult Result)? _last;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var settings = options.CurrentValue;
        if (!settings.Channels.Any(c => c.Type == ChannelTypes.Email))
        {
            return HealthCheckResult.Healthy("no email channel is configured");
        }
        var server = $"{settings.Smtp.Host}:{settings.Smtp.Port}";
        var now = time.GetUtcNow();
        if (_last is { } last && last.Server == server && now - last.At < KeepAnswer)
        {
            return last.Result;
        }
        HealthCheckResult result;
        try
        {
            await EmailChannel.SendAsync(settings.Smtp, Timeout, _ => Task.CompletedTask, cancellationToken);
            result = HealthCheckResult.Healthy($"SMTP server {server} answers");
        }
        catch (ChannelDeliveryException ex)
        {
            result = HealthCheckResult.Degraded($"SMTP server cannot be reached; email waits in the outbox: {ex.Message}");
        }
        _last = (now, server, result);
        return result;
    }
}
