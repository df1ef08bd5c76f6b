using Dapper;
using Proposals.Data.Dialects;

namespace Proposals.Data.Reminders;

/// <summary>A notification waiting for delivery, claimed by one dispatcher for a lease.</summary>
public sealed record OutboxMessage(long Id, long? ProposalId, long? OrganizationId, string? OrganizationKind, string? Role, string Kind, string Title, string Body, int Attempts);

/// <summary>
/// The outbox: notifications written by transitions, delivered later through their channels. Claims work as for
/// reminders; a failed delivery is retried later, and after too many attempts the message is dead-lettered.
/// </summary>
public sealed class OutboxStore(Database database)
{
    private const string Due = "delivery_status = 'pending' AND next_attempt_at <= @Now AND (claimed_until IS NULL OR claimed_until < @Now)";

    private static readonly string[] Columns = ["id AS Id", "proposal_id AS ProposalId", "organization_id AS OrganizationId", "organization_kind AS OrganizationKind", "role AS Role", "kind AS Kind", "title AS Title", "body AS Body", "attempts AS Attempts"];

    private sealed class Row
    {
        public long Id { get; init; }
        public long? ProposalId { get; init; }
        public long? OrganizationId { get; init; }
        public string? OrganizationKind { get; init; }
        public string? Role { get; init; }
        public string Kind { get; init; } = "";
        public string Title { get; init; } = "";
        public string Body { get; init; } = "";
        public int Attempts { get; init; }
    }

    public async Task<IReadOnlyList<OutboxMessage>> ClaimDueAsync(string owner, DateTimeOffset now, int batchSize, TimeSpan lease, CancellationToken cancellationToken)
    {
        var rows = await Claims.ClaimAsync<Row>(database, "notifications", Due, "next_attempt_at, id", Columns, owner, now, batchSize, lease, cancellationToken);
        return rows.OrderBy(r => r.Id)
            .Select(r => new OutboxMessage(r.Id, r.ProposalId, r.OrganizationId, r.OrganizationKind, r.Role, r.Kind, r.Title, r.Body, r.Attempts)).ToList();
    }

    /// <summary>Marks a claimed message delivered; false when the claim was lost.</summary>
    public async Task<bool> MarkDeliveredAsync(long id, string owner, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE notifications SET delivery_status = 'delivered', claimed_by = NULL, claimed_until = NULL, attempts = attempts + 1, last_error = NULL
            WHERE id = @id AND claimed_by = @owner AND delivery_status = 'pending'
            """, new { id, owner, now = now.UtcDateTime }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Records a failed attempt: retried at <paramref name="retryAt"/>, or dead after <paramref name="maxAttempts"/>.</summary>
    public async Task<bool> MarkFailedAsync(long id, string owner, string error, DateTimeOffset retryAt, int maxAttempts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE notifications
            SET attempts = attempts + 1,
                delivery_status = CASE WHEN attempts + 1 >= @maxAttempts THEN 'dead' ELSE 'pending' END,
                next_attempt_at = @retryAt, last_error = @error, claimed_by = NULL, claimed_until = NULL
            WHERE id = @id AND claimed_by = @owner AND delivery_status = 'pending'
            """, new { id, owner, error = error.Length > 2000 ? error[..2000] : error, retryAt = retryAt.UtcDateTime, maxAttempts }, cancellationToken: cancellationToken)) == 1;
    }
}
