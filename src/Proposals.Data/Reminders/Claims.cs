using Dapper;

namespace Proposals.Data.Reminders;

/// <summary>The claim both the reminder and the outbox tables use: a batch of due rows, taken for a lease in one transaction.</summary>
internal static class Claims
{
    public static async Task<List<TRow>> ClaimAsync<TRow>(
        Database database, string table, string due, string orderBy, IReadOnlyList<string> columns,
        string owner, DateTimeOffset now, int batchSize, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        return await database.InTransactionAsync(async (connection, transaction) =>
            (await connection.QueryAsync<TRow>(new CommandDefinition(
                database.Dialect.ClaimBatch(table, due, orderBy, columns),
                new { Owner = owner, LeaseUntil = (now + lease).UtcDateTime, Now = now.UtcDateTime, BatchSize = batchSize },
                transaction, cancellationToken: cancellationToken))).ToList(), cancellationToken);
    }
}
