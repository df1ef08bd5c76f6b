using Microsoft.Extensions.Diagnostics.HealthChecks;
using Proposals.Data.Reminders;

namespace Proposals.Host.Reminders;

/// <summary>Readiness of the reminders: degraded (never unhealthy: the rest still works) while dead-lettered reminders wait for someone to look at them.</summary>
internal sealed class ReminderHealthCheck(ReminderStore reminders) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var counts = await reminders.CountsAsync(cancellationToken);
        var data = new Dictionary<string, object> { ["pending"] = counts.Pending, ["dead"] = counts.Dead };
        return counts.Dead > 0
            ? HealthCheckResult.Degraded($"{counts.Dead} reminders are dead-lettered; see GET /api/reminders/dead or /admin/dead-letters", data: data)
            : HealthCheckResult.Healthy($"{counts.Pending} reminders scheduled", data);
    }
}
