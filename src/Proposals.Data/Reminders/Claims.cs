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

    /// <summary>
    /// A heartbeat: extends to <paramref name="until"/> the lease of those of <paramref name="ids"/> that
    /// <paramref name="owner"/> still holds (rows already finished, or taken over by another owner, are left alone).
    /// Returns how many were extended.
    /// </summary>
    public static async Task<int> RenewAsync(Database database, string table, string owner, IReadOnlyCollection<long> ids, DateTimeOffset until, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return 0;
        }
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE {table} SET claimed_until = @until WHERE claimed_by = @owner AND {database.Dialect.InList("id", "ids")}",
            new { owner, until = until.UtcDateTime, ids = ids.ToArray() }, cancellationToken: cancellationToken));
    }
}
