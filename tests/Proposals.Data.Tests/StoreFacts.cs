using Dapper;
using Proposals.Data.Tests.Providers;

namespace Proposals.Data.Tests;

/// <summary>The base of every store suite: each test gets a new migrated database of its own and drops it afterwards.</summary>
public abstract class StoreFacts(IDatabaseProvider provider) : IAsyncLifetime
{
    protected IDatabaseProvider Provider { get; } = provider;

    protected Database Database { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Skip.If(Provider.Unavailable is not null, Provider.Unavailable);
        Database = await Provider.CreateDatabaseAsync();
    }

    public Task DisposeAsync() => Database is null ? Task.CompletedTask : Provider.DropAsync(Database);

    /// <summary>A scalar read straight from the tables, to check what a store wrote rather than what it says it wrote.</summary>
    protected async Task<T> ScalarAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await Database.OpenAsync(CancellationToken.None);
        return await connection.ExecuteScalarAsync<T>(sql, parameters) ?? throw new InvalidOperationException($"No value from: {sql}");
    }

    /// <summary>Runs a statement straight on the tables, for a state no store method makes (a deactivated user, a sent reminder).</summary>
    protected async Task<int> ExecuteAsync(string sql, object? parameters = null)
    {
        await using var connection = await Database.OpenAsync(CancellationToken.None);
        return await connection.ExecuteAsync(sql, parameters);
    }

    /// <summary>Rows of the tables a transition writes, for checking that a refused write left nothing behind.</summary>
    protected async Task<RowCounts> RowCountsAsync()
    {
        await using var connection = await Database.OpenAsync(CancellationToken.None);
        return await connection.QuerySingleAsync<RowCounts>(
            """
            SELECT (SELECT COUNT(*) FROM proposals) AS Proposals,
                   (SELECT COUNT(*) FROM audit_events) AS AuditEvents,
                   (SELECT COUNT(*) FROM tasks) AS Tasks,
                   (SELECT COUNT(*) FROM tasks WHERE closed_at IS NULL) AS OpenTasks,
                   (SELECT COUNT(*) FROM reminders) AS Reminders,
                   (SELECT COUNT(*) FROM reminders WHERE status = 'pending') AS PendingReminders,
                   (SELECT COUNT(*) FROM notifications) AS Notifications,
                   (SELECT COUNT(*) FROM proposal_departments) AS Assignments,
                   (SELECT COUNT(*) FROM idempotency_keys) AS IdempotencyKeys
            """);
    }

    public sealed record RowCounts(long Proposals, long AuditEvents, long Tasks, long OpenTasks, long Reminders, long PendingReminders, long Notifications, long Assignments, long IdempotencyKeys);
}
