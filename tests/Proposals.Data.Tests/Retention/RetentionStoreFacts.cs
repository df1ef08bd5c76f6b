using Dapper;
using Proposals.Data.Organizations;
using Proposals.Data.Retention;
using Proposals.Data.Tests.Providers;
using Proposals.Engine.Execution;

namespace Proposals.Data.Tests.Retention;

/// <summary>Rows written old and new: each purge takes exactly the old ones, in bounded batches, and leaves everything else.</summary>
public abstract class RetentionStoreFacts(IDatabaseProvider provider) : StoreFacts(provider)
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken None = CancellationToken.None;

    private static DateTime At(int year, int month, int day, int hour = 0, int minute = 0) => new(year, month, day, hour, minute, 0, DateTimeKind.Utc);

    private async Task<(long First, long Second)> UsersAsync()
    {
        var organization = await new OrganizationStore(Database).EnsureAsync("fgj", "发改局", OrganizationKind.Department, Now, None);
        var users = new UserStore(Database);
        return (await users.UpsertAsync("fgj.handler", "经办人", organization, "hash", ["department"], Now, None),
                await users.UpsertAsync("fgj.second", "经办人二", organization, "hash", ["department"], Now, None));
    }

    private static async Task<int> DrainAsync(Func<int, Task<int>> batch, int size, List<int>? batches = null)
    {
        var total = 0;
        while (true)
        {
            var deleted = await batch(size);
            batches?.Add(deleted);
            total += deleted;
            if (deleted < size)
            {
                return total;
            }
        }
    }

    [SkippableFact]
    public async Task Expired_tokens_go_a_week_after_expiry_and_valid_or_recently_expired_ones_stay()
    {
        var (user, _) = await UsersAsync();
        foreach (var (hash, expires) in new[] { ("long-expired", At(2026, 5, 20)), ("just-expired", At(2026, 5, 30)), ("valid", At(2026, 7, 1)) })
        {
            await ExecuteAsync("INSERT INTO access_tokens (token_hash, user_id, created_at, expires_at) VALUES (@hash, @user, @created, @expires)",
                new { hash, user, created = At(2026, 5, 1), expires });
        }
        var store = new RetentionStore(Database);

        var deleted = await DrainAsync(b => store.PurgeExpiredTokensAsync(Now.AddDays(-7), b, None), 500);

        Assert.Equal(1, deleted);
        Assert.Equal(0L, await ScalarAsync<long>("SELECT COUNT(*) FROM access_tokens WHERE token_hash = 'long-expired'"));
        Assert.Equal(2L, await ScalarAsync<long>("SELECT COUNT(*) FROM access_tokens"));
    }

    [SkippableFact]
    public async Task Idempotency_keys_older_than_the_cutoff_go_one_bounded_batch_at_a_time()
    {
        var (user, _) = await UsersAsync();
        foreach (var (key, created) in new[] { ("old-1", At(2026, 5, 1)), ("old-2", At(2026, 5, 10)), ("new", At(2026, 5, 31)) })
        {
            await ExecuteAsync(
                "INSERT INTO idempotency_keys (user_id, idempotency_key, request_hash, proposal_id, status_code, response_body, created_at) VALUES (@user, @key, 'h', NULL, 200, '{}', @created)",
                new { user, key, created });
        }
        var store = new RetentionStore(Database);
        var batches = new List<int>();

        var deleted = await DrainAsync(b => store.PurgeIdempotencyKeysAsync(Now.AddDays(-7), b, None), 1, batches);

        Assert.Equal(2, deleted);
        Assert.Equal([1, 1, 0], batches);
        Assert.Equal("new", await ScalarAsync<string>("SELECT idempotency_key FROM idempotency_keys"));
    }

    [SkippableFact]
    public async Task Read_notifications_go_with_their_reads_and_deliveries_but_unread_recent_or_undelivered_ones_stay()
    {
        var (first, second) = await UsersAsync();
        var old = At(2025, 10, 1);
        var n1 = await NotificationAsync(old); // read long ago, its one delivery sent: goes
        var n2 = await NotificationAsync(old); // never read: stays
        var n3 = await NotificationAsync(old); // read long ago but its delivery is dead-lettered: stays
        var n4 = await NotificationAsync(At(2026, 5, 1)); // read, but written recently: stays
        var n5 = await NotificationAsync(old); // read long ago by one and recently by another: stays
        await ReadAsync(n1, first, At(2025, 10, 2));
        await ReadAsync(n3, first, At(2025, 10, 2));
        await ReadAsync(n4, first, At(2026, 5, 2));
        await ReadAsync(n5, first, At(2025, 10, 2));
        await ReadAsync(n5, second, At(2026, 1, 10));
        await DeliveryAsync(n1, "mail", "sent", At(2025, 10, 1));
        await DeliveryAsync(n3, "mail", "dead", null);
        var store = new RetentionStore(Database);

        var deleted = await DrainAsync(b => store.PurgeReadNotificationsAsync(Now.AddDays(-180), b, None), 2);

        Assert.Equal(1, deleted);
        Assert.Equal(0L, await ScalarAsync<long>("SELECT COUNT(*) FROM notifications WHERE id = @n1", new { n1 }));
        Assert.Equal(4L, await ScalarAsync<long>("SELECT COUNT(*) FROM notifications"));
        Assert.Equal(4L, await ScalarAsync<long>("SELECT COUNT(*) FROM notification_reads"));
        Assert.Equal(1L, await ScalarAsync<long>("SELECT COUNT(*) FROM notification_deliveries"));
        Assert.Equal(1L, await ScalarAsync<long>("SELECT COUNT(*) FROM notifications WHERE id = @n2", new { n2 }));
    }

    [SkippableFact]
    public async Task Delivered_outbox_rows_older_than_the_cutoff_go_and_pending_dead_or_recent_ones_stay()
    {
        await UsersAsync();
        var notification = await NotificationAsync(At(2026, 3, 1));
        await DeliveryAsync(notification, "mail", "sent", At(2026, 4, 1));
        await DeliveryAsync(notification, "wecom", "sent", At(2026, 4, 2));
        await DeliveryAsync(notification, "dingtalk", "sent", At(2026, 5, 20));
        await DeliveryAsync(notification, "webhook", "dead", null);
        await DeliveryAsync(notification, "oa", "pending", null);
        var store = new RetentionStore(Database);
        var batches = new List<int>();

        var deleted = await DrainAsync(b => store.PurgeDeliveredAsync(Now.AddDays(-30), b, None), 1, batches);

        Assert.Equal(2, deleted);
        Assert.Equal([1, 1, 0], batches);
        Assert.Equal(3L, await ScalarAsync<long>("SELECT COUNT(*) FROM notification_deliveries"));
        Assert.Equal(0L, await ScalarAsync<long>("SELECT COUNT(*) FROM notification_deliveries WHERE channel IN ('mail', 'wecom')"));
        Assert.Equal(1L, await ScalarAsync<long>("SELECT COUNT(*) FROM notifications"));
    }

    [SkippableFact]
    public async Task Sign_in_counts_go_once_their_window_has_passed()
    {
        await ExecuteAsync("INSERT INTO sign_in_failures (account, source, failures, first_failed_at, last_failed_at, locked_until) VALUES ('a', '203.0.113.1', 2, @t, @t, NULL)", new { t = At(2026, 5, 31) });
        await ExecuteAsync("INSERT INTO sign_in_failures (account, source, failures, first_failed_at, last_failed_at, locked_until) VALUES ('b', '203.0.113.2', 5, @t, @t, @lock)", new { t = At(2026, 5, 31), @lock = At(2026, 6, 1, 0, 10) });
        await ExecuteAsync("INSERT INTO sign_in_failures (account, source, failures, first_failed_at, last_failed_at, locked_until) VALUES ('c', '203.0.113.3', 1, @t, @t, NULL)", new { t = At(2026, 5, 31, 23, 50) });
        await ExecuteAsync("INSERT INTO sign_in_successes (account, source, succeeded_at) VALUES ('a', '203.0.113.1', @t)", new { t = At(2026, 4, 1) });
        await ExecuteAsync("INSERT INTO sign_in_successes (account, source, succeeded_at) VALUES ('b', '203.0.113.2', @t)", new { t = At(2026, 5, 20) });
        var store = new RetentionStore(Database);

        Assert.Equal(1, await DrainAsync(b => store.PurgeSignInFailuresAsync(Now.AddMinutes(-15), b, None), 500));
        Assert.Equal(1, await DrainAsync(b => store.PurgeSignInSuccessesAsync(Now.AddDays(-30), b, None), 500));

        Assert.Equal("b,c", string.Join(',', (await QueryAsync<string>("SELECT account FROM sign_in_failures ORDER BY account"))));
        Assert.Equal("b", string.Join(',', (await QueryAsync<string>("SELECT account FROM sign_in_successes ORDER BY account"))));
    }

    [SkippableFact]
    public async Task A_run_is_recorded_in_job_runs()
    {
        await new RetentionStore(Database).RecordRunAsync("t1 k2 n3 d4 f5 s6", Now, None);

        Assert.Equal(1L, await ScalarAsync<long>("SELECT COUNT(*) FROM job_runs WHERE job = 'purge' AND run_key = '2026-06-01T00:00:00.0000000Z t1 k2 n3 d4 f5 s6'"));
    }

    private async Task<List<T>> QueryAsync<T>(string sql)
    {
        await using var connection = await Database.OpenAsync(None);
        return (await connection.QueryAsync<T>(sql)).ToList();
    }

    private async Task<long> NotificationAsync(DateTime created)
    {
        await using var connection = await Database.OpenAsync(None);
        return await connection.ExecuteScalarAsync<long>(Database.Dialect.InsertReturningId("notifications",
            "organization_kind, role, kind, title, body, created_at, delivery_status", "'department', 'department', 'reminder', '提醒', '正文', @created, 'delivered'"), new { created });
    }

    private Task<int> ReadAsync(long notification, long user, DateTime at) =>
        ExecuteAsync("INSERT INTO notification_reads (notification_id, user_id, read_at) VALUES (@notification, @user, @at)", new { notification, user, at });

    private Task<int> DeliveryAsync(long notification, string channel, string status, DateTime? sent) =>
        ExecuteAsync(
            "INSERT INTO notification_deliveries (notification_id, channel, status, attempts, next_attempt_at, sent_at, created_at) VALUES (@notification, @channel, @status, 1, @created, @sent, @created)",
            new { notification, channel, status, sent, created = At(2025, 9, 30) });
}
