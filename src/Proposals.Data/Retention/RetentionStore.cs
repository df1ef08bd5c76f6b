using Dapper;

namespace Proposals.Data.Retention;

/// <summary>
/// Deletes what the service no longer needs, one bounded batch a call so that no statement holds its locks for long:
/// expired access tokens, used idempotency keys, read notifications, delivered outbox rows and sign-in counts whose
/// window has passed. It never touches the history, attachments, proposals or a notification nobody has read.
/// </summary>
public sealed class RetentionStore(Database database)
{
    public const string Job = "purge";

    /// <summary>Access tokens that expired before <paramref name="before"/>; returns how many went.</summary>
    public Task<int> PurgeExpiredTokensAsync(DateTimeOffset before, int batchSize, CancellationToken cancellationToken) =>
        DeleteOldestAsync("access_tokens", "expires_at", before, batchSize, cancellationToken);

    /// <summary>Idempotency keys stored before <paramref name="before"/>.</summary>
    public Task<int> PurgeIdempotencyKeysAsync(DateTimeOffset before, int batchSize, CancellationToken cancellationToken) =>
        DeleteOldestAsync("idempotency_keys", "created_at", before, batchSize, cancellationToken);

    /// <summary>Wrong-password counts whose last failure and lock both ended before <paramref name="before"/> (they count from one again anyway).</summary>
    public Task<int> PurgeSignInFailuresAsync(DateTimeOffset before, int batchSize, CancellationToken cancellationToken) =>
        DeleteOldestAsync("sign_in_failures", "COALESCE(locked_until, last_failed_at)", before, batchSize, cancellationToken);

    /// <summary>Known sign-in addresses last used before <paramref name="before"/> (no longer known, so no longer spared a lockout).</summary>
    public Task<int> PurgeSignInSuccessesAsync(DateTimeOffset before, int batchSize, CancellationToken cancellationToken) =>
        DeleteOldestAsync("sign_in_successes", "succeeded_at", before, batchSize, cancellationToken);

    /// <summary>Outbox deliveries a channel accepted before <paramref name="before"/>; pending and dead-lettered ones stay.</summary>
    public async Task<int> PurgeDeliveredAsync(DateTimeOffset before, int batchSize, CancellationToken cancellationToken)
    {
        var limit = Math.Max(1, batchSize);
        await using var connection = await database.OpenAsync(cancellationToken);
        // The batch's bound is the sent_at of its last row, so one statement deletes about one batch (more only on ties).
        return await connection.ExecuteAsync(new CommandDefinition(
            $"""
            DELETE FROM notification_deliveries
            WHERE status = 'sent' AND sent_at < @Before
              AND sent_at <= COALESCE((SELECT d.sent_at FROM notification_deliveries d WHERE d.status = 'sent' AND d.sent_at < @Before
                                       ORDER BY d.sent_at {database.Dialect.Paging}), @Before)
            """,
            new { Before = before.UtcDateTime, Offset = limit - 1, Limit = 1 }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Notifications written before <paramref name="before"/> that were read, none of whose reads is newer, and whose every
    /// external delivery was sent: with their reads and deliveries. A notification nobody has read, one still being
    /// routed, or one with a pending or dead-lettered delivery stays.
    /// </summary>
    public async Task<int> PurgeReadNotificationsAsync(DateTimeOffset before, int batchSize, CancellationToken cancellationToken)
    {
        var limit = Math.Max(1, batchSize);
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            var ids = (await connection.QueryAsync<long>(new CommandDefinition(
                $"""
                SELECT n.id FROM notifications n
                WHERE n.created_at < @Before AND n.delivery_status <> 'pending'
                  AND EXISTS (SELECT 1 FROM notification_reads r WHERE r.notification_id = n.id)
                  AND NOT EXISTS (SELECT 1 FROM notification_reads r WHERE r.notification_id = n.id AND r.read_at >= @Before)
                  AND NOT EXISTS (SELECT 1 FROM notification_deliveries d WHERE d.notification_id = n.id AND d.status <> 'sent')
                ORDER BY n.id {database.Dialect.Paging}
                """,
                new { Before = before.UtcDateTime, Offset = 0, Limit = limit }, transaction, cancellationToken: cancellationToken))).ToArray();
            if (ids.Length == 0)
            {
                return 0;
            }
            await connection.ExecuteAsync(new CommandDefinition(
                $"DELETE FROM notification_reads WHERE {database.Dialect.InList("notification_id", "ids")}", new { ids }, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                $"DELETE FROM notification_deliveries WHERE {database.Dialect.InList("notification_id", "ids")}", new { ids }, transaction, cancellationToken: cancellationToken));
            return await connection.ExecuteAsync(new CommandDefinition(
                $"DELETE FROM notifications WHERE {database.Dialect.InList("id", "ids")}", new { ids }, transaction, cancellationToken: cancellationToken));
        }, cancellationToken);
    }

    /// <summary>Records a purge run in job_runs, keyed by its moment, with what it deleted.</summary>
    public async Task RecordRunAsync(string summary, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var key = $"{now.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffffffZ} {summary}";
        await using var connection = await database.OpenAsync(cancellationToken);
        // run_key holds 100 characters on SQL Server; the moment alone keeps it unique.
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO job_runs (job, run_key, at) VALUES (@Job, @RunKey, @Now)",
            new { Job, RunKey = key.Length > 100 ? key[..100] : key, Now = now.UtcDateTime }, cancellationToken: cancellationToken));
    }

    // Bounded without a dialect: the batch ends at the time of its n-th oldest row (or at the cutoff when fewer remain),
    // so one DELETE removes about one batch whatever the database. The column is an expression of fixed text, never input.
    private async Task<int> DeleteOldestAsync(string table, string timeColumn, DateTimeOffset before, int batchSize, CancellationToken cancellationToken)
    {
        var limit = Math.Max(1, batchSize);
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            $"""
            DELETE FROM {table}
            WHERE {timeColumn} < @Before
              AND {timeColumn} <= COALESCE((SELECT {timeColumn} FROM {table} WHERE {timeColumn} < @Before ORDER BY {timeColumn} {database.Dialect.Paging}), @Before)
            """,
            new { Before = before.UtcDateTime, Offset = limit - 1, Limit = 1 }, cancellationToken: cancellationToken));
    }
}
