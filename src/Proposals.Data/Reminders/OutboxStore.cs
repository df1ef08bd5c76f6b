using Dapper;
using Proposals.Data.Dialects;

namespace Proposals.Data.Reminders;

/// <summary>A notification not yet routed to its external channels, claimed by one dispatcher for a lease.</summary>
public sealed record OutboxMessage(long Id, long? ProposalId, long? OrganizationId, string? OrganizationKind, string? Role, string Kind, string Title, string Body, DateTimeOffset CreatedAt);

/// <summary>One notification's delivery through one channel, claimed by one dispatcher for a lease.</summary>
public sealed record DueDelivery(long Id, string Channel, int Attempts, OutboxMessage Message);

/// <summary>A delivery as the administrators' list shows it.</summary>
public sealed record DeliveryRecord(long Id, long NotificationId, long? ProposalId, string Kind, string Title, string Channel, string Status, int Attempts, DateTimeOffset NextAttemptAt, string? LastError, DateTimeOffset? SentAt, DateTimeOffset CreatedAt);

/// <summary>How many deliveries wait, and how many have given up.</summary>
public sealed record DeliveryCounts(long Unrouted, long Pending, long Dead);

/// <summary>
/// The outbox. Transitions write notifications (which are at once in the inbox of those they name); a dispatcher then
/// routes each one to the external channels configured for its recipients, one delivery row per channel, and sends
/// those. Each delivery retries with back-off and is dead-lettered after too many attempts on its own, so a channel
/// that is down never holds back the others. Claims work as for reminders: a dispatcher that dies loses its lease.
/// </summary>
public sealed class OutboxStore(Database database)
{
    private const string Unrouted = "delivery_status = 'pending' AND next_attempt_at <= @Now AND (claimed_until IS NULL OR claimed_until < @Now)";
    private const string DeliveryDue = "status = 'pending' AND next_attempt_at <= @Now AND (claimed_until IS NULL OR claimed_until < @Now)";
    private const int ErrorLimit = 2000;

    private static readonly string[] MessageColumns = ["id AS Id"];
    private static readonly string[] DeliveryColumns = ["id AS Id", "notification_id AS NotificationId", "channel AS Channel", "attempts AS Attempts"];

    private sealed class IdRow
    {
        public long Id { get; init; }
    }

    private sealed class MessageRow
    {
        public long Id { get; init; }
        public long? ProposalId { get; init; }
        public long? OrganizationId { get; init; }
        public string? OrganizationKind { get; init; }
        public string? Role { get; init; }
        public string Kind { get; init; } = "";
        public string Title { get; init; } = "";
        public string Body { get; init; } = "";
        public DateTime CreatedAt { get; init; }

        public OutboxMessage ToMessage() => new(Id, ProposalId, OrganizationId, OrganizationKind, Role, Kind, Title, Body, DateValues.Load(CreatedAt));
    }

    private sealed class DeliveryRow
    {
        public long Id { get; init; }
        public long NotificationId { get; init; }
        public string Channel { get; init; } = "";
        public int Attempts { get; init; }
    }

    /// <summary>Claims notifications that have not yet been routed to their channels.</summary>
    public async Task<IReadOnlyList<OutboxMessage>> ClaimUnroutedAsync(string owner, DateTimeOffset now, int batchSize, TimeSpan lease, CancellationToken cancellationToken)
    {
        var claimed = await Claims.ClaimAsync<IdRow>(database, "notifications", Unrouted, "next_attempt_at, id", MessageColumns, owner, now, batchSize, lease, cancellationToken);
        var messages = await MessagesAsync(claimed.Select(r => r.Id).ToList(), cancellationToken);
        return claimed.Select(r => messages[r.Id]).OrderBy(m => m.Id).ToList();
    }

    /// <summary>
    /// Records where a claimed notification goes: one pending delivery per channel, and the notification marked routed,
    /// in one transaction. False, with nothing written, when the claim was lost.
    /// </summary>
    public async Task<bool> RouteAsync(long notificationId, string owner, IReadOnlyCollection<string> channels, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channels);
        return await database.InTransactionAsync<bool>(async (connection, transaction) =>
        {
            var changed = await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE notifications SET delivery_status = 'delivered', claimed_by = NULL, claimed_until = NULL
                WHERE id = @notificationId AND claimed_by = @owner AND delivery_status = 'pending'
                """, new { notificationId, owner }, transaction, cancellationToken: cancellationToken));
            if (changed == 0)
            {
                return (false, false);
            }
            foreach (var channel in channels.Distinct(StringComparer.Ordinal))
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO notification_deliveries (notification_id, channel, status, attempts, next_attempt_at, created_at)
                    VALUES (@notificationId, @channel, 'pending', 0, @now, @now)
                    """, new { notificationId, channel, now = now.UtcDateTime }, transaction, cancellationToken: cancellationToken));
            }
            return (true, true);
        }, cancellationToken);
    }

    /// <summary>
    /// Posts notifications that must go out once per period however many hosts try (a daily digest): the first caller
    /// for <paramref name="job"/> and <paramref name="runKey"/> writes them and gets true; every other gets false.
    /// </summary>
    public async Task<bool> PostOnceAsync(string job, string runKey, IReadOnlyList<ReminderNotice> notices, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notices);
        try
        {
            return await database.InTransactionAsync<bool>(async (connection, transaction) =>
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO job_runs (job, run_key, at) VALUES (@job, @runKey, @now)",
                    new { job, runKey, now = now.UtcDateTime }, transaction, cancellationToken: cancellationToken));
                foreach (var notice in notices)
                {
                    await InsertAsync(connection, transaction, null, notice, now, cancellationToken);
                }
                return (true, true);
            }, cancellationToken);
        }
        catch (Exception ex) when (database.IsUniqueViolation(ex))
        {
            return false;
        }
    }

    /// <summary>Whether <paramref name="job"/> has run for <paramref name="runKey"/>.</summary>
    public async Task<bool> HasRunAsync(string job, string runKey, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM job_runs WHERE job = @job AND run_key = @runKey", new { job, runKey }, cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>Queues one notification in the caller's transaction: in the inbox of those it names at once, routed to channels later.</summary>
    internal static Task InsertAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, long? proposalId, ReminderNotice notice, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO notifications (proposal_id, organization_id, organization_kind, role, kind, title, body, created_at, delivery_status, attempts, next_attempt_at)
            VALUES (@proposalId, @OrganizationId, @OrganizationKind, @Role, @Kind, @Title, @Body, @now, 'pending', 0, @now)
            """,
            new { proposalId, notice.OrganizationId, notice.OrganizationKind, notice.Role, notice.Kind, notice.Title, notice.Body, now = now.UtcDateTime },
            transaction, cancellationToken: cancellationToken));

    /// <summary>Claims deliveries that are due (new, or waiting for their next attempt), with what they deliver.</summary>
    public async Task<IReadOnlyList<DueDelivery>> ClaimDueDeliveriesAsync(string owner, DateTimeOffset now, int batchSize, TimeSpan lease, CancellationToken cancellationToken)
    {
        var claimed = await Claims.ClaimAsync<DeliveryRow>(database, "notification_deliveries", DeliveryDue, "next_attempt_at, id", DeliveryColumns, owner, now, batchSize, lease, cancellationToken);
        var messages = await MessagesAsync(claimed.Select(r => r.NotificationId).Distinct().ToList(), cancellationToken);
        return claimed.OrderBy(r => r.Id).Select(r => new DueDelivery(r.Id, r.Channel, r.Attempts, messages[r.NotificationId])).ToList();
    }

    /// <summary>Extends the lease of the notifications <paramref name="owner"/> still holds for routing; returns how many.</summary>
    public Task<int> RenewUnroutedAsync(string owner, IReadOnlyCollection<long> ids, DateTimeOffset until, CancellationToken cancellationToken) =>
        Claims.RenewAsync(database, "notifications", owner, ids, until, cancellationToken);

    /// <summary>Extends the lease of the deliveries <paramref name="owner"/> still holds; returns how many.</summary>
    public Task<int> RenewDeliveriesAsync(string owner, IReadOnlyCollection<long> ids, DateTimeOffset until, CancellationToken cancellationToken) =>
        Claims.RenewAsync(database, "notification_deliveries", owner, ids, until, cancellationToken);

    /// <summary>Marks a claimed delivery sent; false when the claim was lost (another dispatcher owns it now).</summary>
    public async Task<bool> MarkSentAsync(long deliveryId, string owner, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE notification_deliveries SET status = 'sent', sent_at = @now, attempts = attempts + 1, last_error = NULL, claimed_by = NULL, claimed_until = NULL
            WHERE id = @deliveryId AND claimed_by = @owner AND status = 'pending'
            """, new { deliveryId, owner, now = now.UtcDateTime }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Records a failed attempt: tried again at <paramref name="retryAt"/>, or dead once <paramref name="maxAttempts"/> have failed.</summary>
    public async Task<bool> MarkFailedAsync(long deliveryId, string owner, string error, DateTimeOffset retryAt, int maxAttempts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE notification_deliveries
            SET attempts = attempts + 1,
                status = CASE WHEN attempts + 1 >= @maxAttempts THEN 'dead' ELSE 'pending' END,
                next_attempt_at = @retryAt, last_error = @error, claimed_by = NULL, claimed_until = NULL
            WHERE id = @deliveryId AND claimed_by = @owner AND status = 'pending'
            """, new { deliveryId, owner, error = error.Length > ErrorLimit ? error[..ErrorLimit] : error, retryAt = retryAt.UtcDateTime, maxAttempts }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Puts a dead delivery back in the queue with a fresh count of attempts; false when it is not dead.</summary>
    public async Task<bool> RetryDeadAsync(long deliveryId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE notification_deliveries SET status = 'pending', attempts = 0, next_attempt_at = @now WHERE id = @deliveryId AND status = 'dead'",
            new { deliveryId, now = now.UtcDateTime }, cancellationToken: cancellationToken)) == 1;
    }

    private sealed class DeliveryRecordRow
    {
        public long Id { get; init; }
        public long NotificationId { get; init; }
        public long? ProposalId { get; init; }
        public string Kind { get; init; } = "";
        public string Title { get; init; } = "";
        public string Channel { get; init; } = "";
        public string Status { get; init; } = "";
        public int Attempts { get; init; }
        public DateTime NextAttemptAt { get; init; }
        public string? LastError { get; init; }
        public DateTime? SentAt { get; init; }
        public DateTime CreatedAt { get; init; }
    }

    /// <summary>Deliveries in one status, newest first.</summary>
    public async Task<IReadOnlyList<DeliveryRecord>> ListAsync(string status, int offset, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<DeliveryRecordRow>(new CommandDefinition(
            $"""
            SELECT d.id AS Id, d.notification_id AS NotificationId, n.proposal_id AS ProposalId, n.kind AS Kind, n.title AS Title,
                   d.channel AS Channel, d.status AS Status, d.attempts AS Attempts, d.next_attempt_at AS NextAttemptAt,
                   d.last_error AS LastError, d.sent_at AS SentAt, d.created_at AS CreatedAt
            FROM notification_deliveries d
            JOIN notifications n ON n.id = d.notification_id
            WHERE d.status = @status
            ORDER BY d.id DESC
            {database.Dialect.Paging}
            """, new { status, Offset = offset, Limit = limit }, cancellationToken: cancellationToken));
        return rows.Select(r => new DeliveryRecord(
            r.Id, r.NotificationId, r.ProposalId, r.Kind, r.Title, r.Channel, r.Status, r.Attempts, DateValues.Load(r.NextAttemptAt),
            r.LastError, r.SentAt is { } sent ? DateValues.Load(sent) : null, DateValues.Load(r.CreatedAt))).ToList();
    }

    /// <summary>The queue's size, for readiness and the dashboard.</summary>
    public async Task<DeliveryCounts> CountsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // Properties, not the record's constructor: COUNT is int on SQL Server and bigint elsewhere.
        var counts = await connection.QuerySingleAsync<CountsRow>(new CommandDefinition(
            """
            SELECT (SELECT COUNT(*) FROM notifications WHERE delivery_status = 'pending') AS Unrouted,
                   (SELECT COUNT(*) FROM notification_deliveries WHERE status = 'pending') AS Pending,
                   (SELECT COUNT(*) FROM notification_deliveries WHERE status = 'dead') AS Dead
            """, cancellationToken: cancellationToken));
        return new DeliveryCounts(counts.Unrouted, counts.Pending, counts.Dead);
    }

    private sealed class CountsRow
    {
        public long Unrouted { get; init; }
        public long Pending { get; init; }
        public long Dead { get; init; }
    }

    private async Task<Dictionary<long, OutboxMessage>> MessagesAsync(List<long> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<MessageRow>(new CommandDefinition(
            $"""
            SELECT id AS Id, proposal_id AS ProposalId, organization_id AS OrganizationId, organization_kind AS OrganizationKind,
                   role AS Role, kind AS Kind, title AS Title, body AS Body, created_at AS CreatedAt
            FROM notifications WHERE {database.Dialect.InList("id", "ids")}
            """, new { ids = ids.ToArray() }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Id, r => r.ToMessage());
    }
}
