using Microsoft.Extensions.Diagnostics.HealthChecks;
using Proposals.Data.Reminders;

namespace Proposals.Host.Notifications;

/// <summary>Readiness of the outbox: degraded while dead letters wait for someone to look at them.</summary>
internal sealed class OutboxHealthCheck(OutboxStore outbox) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var counts = await outbox.CountsAsync(cancellationToken);
        var data = new Dictionary<string, object> { ["unrouted"] = counts.Unrouted, ["pending"] = counts.Pending, ["dead"] = counts.Dead };
        return counts.Dead > 0
            ? HealthCheckResult.Degraded($"{counts.Dead} notification deliveries are dead-lettered; see GET /api/outbox/deliveries?status=dead", data: data)
            : HealthCheckResult.Healthy($"{counts.Pending} deliveries and {counts.Unrouted} new notifications queued", data);
    }
}
