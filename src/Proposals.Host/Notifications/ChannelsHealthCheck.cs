using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Proposals.Data.Organizations;

namespace Proposals.Host.Notifications;

/// <summary>
/// Channels name organisations by code, which only the database knows: a channel for a code that does not exist
/// (a typo, an organisation not yet imported) carries nothing, so readiness says so rather than staying silent.
/// </summary>
internal sealed class ChannelsHealthCheck(IOptionsMonitor<NotificationOptions> options, OrganizationStore organizations) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var channels = options.CurrentValue.Channels;
        if (channels.Count == 0)
        {
            return HealthCheckResult.Healthy("no external channel is configured; notifications are in-app only");
        }
        var codes = (await organizations.DirectoryAsync(cancellationToken)).Values.Select(o => o.Code).ToHashSet(StringComparer.Ordinal);
        var unknown = channels.Where(c => c.Organization is { } code && !codes.Contains(code)).Select(c => $"'{c.Name}' names organisation '{c.Organization}'").ToList();
        return unknown.Count > 0
            ? HealthCheckResult.Degraded($"channels for organisations that do not exist carry nothing: {string.Join("; ", unknown)}")
            : HealthCheckResult.Healthy($"{channels.Count} channel(s): {string.Join(", ", channels.Select(c => $"{c.Name} ({c.Type})"))}");
    }
}
