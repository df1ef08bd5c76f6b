using Microsoft.Extensions.Options;
using Proposals.Data.Organizations;
using Proposals.Data.Reminders;
using Proposals.Engine.Execution;
using Proposals.Host.Jobs;

namespace Proposals.Host.Notifications;

/// <summary>What one delivery run did.</summary>
internal sealed record DeliveryRun(int Routed, int Sent, int Failed, int Dead);

/// <summary>
/// Delivers the outbox in two steps, each safe on several hosts at once: routing claims new notifications and records
/// one delivery per channel that carries them (in-app needs none: a notification is in its recipients' inbox the
/// moment it is written); sending claims due deliveries and sends each through its channel, retrying with a doubling
/// back-off and dead-lettering after <see cref="DeliveryOptions.MaxAttempts"/> failures. A message is marked sent only
/// after its channel accepted it, so a host that dies in between sends it again after the lease: at least once.
/// </summary>
internal sealed class OutboxDispatcher(
    OutboxStore outbox,
    OrganizationStore organizations,
    IEnumerable<INotificationChannel> senders,
    IOptionsMonitor<NotificationOptions> options,
    IOptionsMonitor<JobOptions> jobOptions,
    Links links,
    TimeProvider time,
    ILogger<OutboxDispatcher> logger)
{
    private const int Parallelism = 4;
    private readonly Dictionary<string, INotificationChannel> _senders = senders.ToDictionary(s => s.Type, StringComparer.Ordinal);

    public int BatchSize => options.CurrentValue.Delivery.BatchSize;

    /// <summary>Routes a batch of new notifications, then sends a batch of due deliveries.</summary>
    public async Task<DeliveryRun> DeliverAsync(string owner, CancellationToken cancellationToken)
    {
        var routed = await RouteAsync(owner, cancellationToken);
        var (sent, failed, dead) = await SendAsync(owner, cancellationToken);
        return new DeliveryRun(routed, sent, failed, dead);
    }

    // Short (Jobs:Lease) and renewed while the batch works, so no other host takes a row still in flight, however slow
    // its channels, and the rows of a host that died are free again within one lease.
    private TimeSpan Lease => jobOptions.CurrentValue.Lease;

    private async Task<int> RouteAsync(string owner, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var now = time.GetUtcNow();
        var lease = Lease;
        var messages = await outbox.ClaimUnroutedAsync(owner, now, settings.Delivery.BatchSize, lease, cancellationToken);
        if (messages.Count == 0)
        {
            return 0;
        }
        var ids = messages.Select(m => m.Id).ToList();
        await using var heartbeat = LeaseHeartbeat.Start((until, token) => outbox.RenewUnroutedAsync(owner, ids, until, token), lease, time, logger, cancellationToken);
        var directory = await organizations.DirectoryAsync(cancellationToken);
        var routed = 0;
        foreach (var message in messages)
        {
            var channels = settings.Channels.Where(c => Carries(c, message, directory)).Select(c => c.Name).ToList();
            if (await outbox.RouteAsync(message.Id, owner, channels, now, cancellationToken))
            {
                routed++;
            }
        }
        return routed;
    }

    /// <summary>Whether a channel carries a message: one of its recipients' organisations matches, and its role and kind pass the filters.</summary>
    internal static bool Carries(ChannelSettings channel, OutboxMessage message, IReadOnlyDictionary<long, OrganizationInfo> directory)
    {
        if (channel.Roles.Count > 0 && message.Role is { } role && !channel.Roles.Contains(role, StringComparer.Ordinal))
        {
            return false;
        }
        if (channel.Kinds.Count > 0 && !channel.Kinds.Any(k => message.Kind.StartsWith(k, StringComparison.Ordinal)))
        {
            return false;
        }
        var recipients = message.OrganizationId is { } id
            ? directory.TryGetValue(id, out var organization) ? [organization] : []
            : directory.Values.Where(o => o.Active && OrganizationStore.KindText(o.Kind) == message.OrganizationKind).ToList();
        return recipients.Any(o =>
            (channel.Organization is null || string.Equals(channel.Organization, o.Code, StringComparison.Ordinal)) &&
            (channel.OrganizationKind is null || string.Equals(channel.OrganizationKind, OrganizationStore.KindText(o.Kind), StringComparison.OrdinalIgnoreCase)));
    }

    private async Task<(int Sent, int Failed, int Dead)> SendAsync(string owner, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var lease = Lease;
        var deliveries = await outbox.ClaimDueDeliveriesAsync(owner, time.GetUtcNow(), settings.Delivery.BatchSize, lease, cancellationToken);
        int sent = 0, failed = 0, dead = 0;
        if (deliveries.Count == 0)
        {
            return (sent, failed, dead);
        }
        var ids = deliveries.Select(d => d.Id).ToList();
        await using var heartbeat = LeaseHeartbeat.Start((until, token) => outbox.RenewDeliveriesAsync(owner, ids, until, token), lease, time, logger, cancellationToken);
        await Parallel.ForEachAsync(deliveries, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (delivery, token) =>
        {
            var error = await TrySendAsync(settings, delivery, token);
            if (error is null)
            {
                if (await outbox.MarkSentAsync(delivery.Id, owner, time.GetUtcNow(), token))
                {
                    Interlocked.Increment(ref sent);
                }
                return;
            }
            var attempt = delivery.Attempts + 1;
            var retryAt = time.GetUtcNow() + RetryDelay(settings.Delivery, attempt);
            if (await outbox.MarkFailedAsync(delivery.Id, owner, error, retryAt, settings.Delivery.MaxAttempts, token))
            {
                Interlocked.Increment(ref failed);
                if (attempt >= settings.Delivery.MaxAttempts)
                {
                    Interlocked.Increment(ref dead);
                    logger.LogError("Notification {NotificationId} could not be delivered through channel {Channel} after {Attempts} attempts and is dead-lettered: {Error}",
                        delivery.Message.Id, delivery.Channel, attempt, error);
                }
                else
                {
                    logger.LogWarning("Notification {NotificationId} failed through channel {Channel} (attempt {Attempt}), retried at {RetryAt:o}: {Error}",
                        delivery.Message.Id, delivery.Channel, attempt, retryAt, error);
                }
            }
        });
        return (sent, failed, dead);
    }

    /// <summary>Sends one delivery; returns why it failed, or null.</summary>
    private async Task<string?> TrySendAsync(NotificationOptions settings, DueDelivery delivery, CancellationToken cancellationToken)
    {
        var channel = settings.Channels.FirstOrDefault(c => string.Equals(c.Name, delivery.Channel, StringComparison.Ordinal));
        if (channel is null)
        {
            return $"channel '{delivery.Channel}' is no longer configured";
        }
        if (!_senders.TryGetValue(channel.Type, out var sender))
        {
            return $"channel '{channel.Name}' has type '{channel.Type}', which no sender serves";
        }
        var message = delivery.Message;
        var link = message.ProposalId is { } proposalId ? links.Proposal(proposalId) : links.Supervision;
        try
        {
            await sender.SendAsync(channel, new ChannelMessage(message.Id, message.ProposalId, message.Kind, message.Title, message.Body, link, message.CreatedAt, delivery.Id), cancellationToken);
            return null;
        }
        catch (ChannelDeliveryException ex)
        {
            return ex.Message;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A sender's own fault must not leave the rest of the batch claimed until the lease runs out.
            logger.LogError(ex, "Channel {Channel} failed unexpectedly on notification {NotificationId}", channel.Name, message.Id);
            return $"{ex.GetType().Name}: {ex.Message}";
        }
    }

    /// <summary>The wait before attempt <paramref name="failedAttempts"/> + 1: the first delay, doubled per failure, capped.</summary>
    internal static TimeSpan RetryDelay(DeliveryOptions delivery, int failedAttempts)
    {
        var factor = Math.Pow(2, Math.Clamp(failedAttempts - 1, 0, 30));
        var ticks = Math.Min(delivery.FirstRetryDelay.Ticks * factor, delivery.MaxRetryDelay.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }
}
