namespace Proposals.Host.Notifications;

/// <summary>
/// A notification as a channel sends it: already worded, with the link to the item, and the id of its delivery row, the
/// same on every retry of that delivery and different for every other, so a receiver can drop a repeat.
/// </summary>
internal sealed record ChannelMessage(long NotificationId, long? ProposalId, string Kind, string Title, string Body, string? Link, DateTimeOffset CreatedAt, long DeliveryId)
{
    /// <summary>The header a webhook's request carries the delivery id in.</summary>
    public const string DeliveryIdHeader = "X-Proposals-Delivery-Id";
}

/// <summary>Sends notifications through one type of channel (email, a group robot, a webhook).</summary>
internal interface INotificationChannel
{
    /// <summary>The <see cref="ChannelSettings.Type"/> this sender serves.</summary>
    string Type { get; }

    /// <summary>Sends one message; throws <see cref="ChannelDeliveryException"/> with a readable reason when the far end refuses or cannot be reached.</summary>
    Task SendAsync(ChannelSettings channel, ChannelMessage message, CancellationToken cancellationToken);
}

/// <summary>A delivery that failed for a reason worth recording and retrying (refused, unreachable, timed out).</summary>
internal sealed class ChannelDeliveryException : Exception
{
    public ChannelDeliveryException()
    {
    }

    public ChannelDeliveryException(string message)
        : base(message)
    {
    }

    public ChannelDeliveryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
