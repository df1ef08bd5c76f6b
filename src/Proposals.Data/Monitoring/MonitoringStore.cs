using Dapper;

namespace Proposals.Data.Monitoring;

/// <summary>How many deliveries of one channel are in one state (pending, sent, dead).</summary>
public sealed record ChannelCount(string Channel, string Status, long Count);

/// <summary>
/// The work queues as the whole service sees them, whichever host does the work: reminders come due and not yet sent,
/// those late (due longer ago than the dispatcher should ever take), all reminders sent so far, and deliveries by channel.
/// </summary>
public sealed record QueueFigures(long RemindersDue, long RemindersLate, long RemindersSent, long RemindersDead, IReadOnlyList<ChannelCount> Deliveries);

/// <summary>Reads the figures the metrics endpoint reports about the queues; a few grouped counts over indexed columns.</summary>
public sealed class MonitoringStore(Database database)
{
    private sealed class ReminderCounts
    {
        // SUM over no rows is NULL.
        public long? Due { get; init; }
        public long? Late { get; init; }
        public long? Sent { get; init; }
        public long? Dead { get; init; }
    }

    public async Task<QueueFigures> QueuesAsync(DateTimeOffset now, TimeSpan lateAfter, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var reminders = await connection.QuerySingleOrDefaultAsync<ReminderCounts>(new CommandDefinition(
            """
            SELECT SUM(CASE WHEN status = 'pending' AND dead_at IS NULL AND due_at <= @Now THEN 1 ELSE 0 END) AS Due,
                   SUM(CASE WHEN status = 'pending' AND dead_at IS NULL AND due_at <= @LateBefore THEN 1 ELSE 0 END) AS Late,
                   SUM(CASE WHEN dead_at IS NOT NULL THEN 1 ELSE 0 END) AS Dead,
                   SUM(CASE WHEN status = 'sent' THEN 1 ELSE 0 END) AS Sent
            FROM reminders
            """, new { Now = now.UtcDateTime, LateBefore = (now - lateAfter).UtcDateTime }, cancellationToken: cancellationToken)) ?? new ReminderCounts();
        var deliveries = await connection.QueryAsync<ChannelCount>(new CommandDefinition(
            """
            SELECT channel AS Channel, status AS Status, COUNT(*) AS Count
            FROM notification_deliveries
            GROUP BY channel, status
            ORDER BY channel, status
            """, cancellationToken: cancellationToken));
        return new QueueFigures(reminders.Due ?? 0, reminders.Late ?? 0, reminders.Sent ?? 0, reminders.Dead ?? 0, deliveries.ToList());
    }
}
