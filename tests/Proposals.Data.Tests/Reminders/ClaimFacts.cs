using Proposals.Data.Reminders;
using Proposals.Data.Tests.Providers;

namespace Proposals.Data.Tests.Reminders;

/// <summary>Due reminder and outbox rows are claimed in batches with a lease: never by two claimers, again after the lease.</summary>
public abstract class ClaimFacts(IDatabaseProvider provider) : StoreFacts(provider)
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    [SkippableFact]
    public async Task ClaimDueAsync_takes_only_due_pending_rows_and_never_the_same_row_twice_under_parallel_claimers()
    {
        var city = await TestCity.CreateAsync(Database);
        for (var i = 0; i < 6; i++)
        {
            await city.SubmittedAsync(city.PartyAMember, city.PartyAAdmin, $"待提醒 {i}", TestCity.Monday);
        }
        var pending = await ScalarAsync<long>("SELECT COUNT(*) FROM reminders WHERE status = 'pending'");
        Assert.True(pending >= 6);
        var farFuture = TestCity.Monday.AddYears(1);
        var store = new ReminderStore(Database);

        Assert.Empty(await store.ClaimDueAsync("early", TestCity.Monday, 100, Lease, CancellationToken.None));

        var claims = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() => store.ClaimDueAsync($"host-{i}", farFuture, 3, Lease, CancellationToken.None))));
        var ids = claims.SelectMany(c => c.Select(r => r.Id)).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(pending, ids.Count);
        Assert.All(claims, c => Assert.True(c.Count <= 3));
        Assert.Equal(pending, await ScalarAsync<long>("SELECT COUNT(*) FROM reminders WHERE claimed_by IS NOT NULL"));
        Assert.Empty(await store.ClaimDueAsync("late", farFuture, 100, Lease, CancellationToken.None));
    }

    [SkippableFact]
    public async Task A_row_whose_claimer_died_is_claimed_again_after_the_lease_and_a_sent_row_never()
    {
        var city = await TestCity.CreateAsync(Database);
        await city.SubmittedAsync(city.PartyAMember, city.PartyAAdmin, "租约", TestCity.Monday);
        var store = new ReminderStore(Database);
        var due = TestCity.Monday.AddYears(1);
        var first = await store.ClaimDueAsync("dead-host", due, 100, Lease, CancellationToken.None);
        Assert.NotEmpty(first);

        Assert.Empty(await store.ClaimDueAsync("other", due.AddMinutes(4), 100, Lease, CancellationToken.None));
        var again = await store.ClaimDueAsync("other", due.AddMinutes(6), 100, Lease, CancellationToken.None);
        Assert.Equal(first.Select(r => r.Id).Order(), again.Select(r => r.Id).Order());

        Assert.False(await store.DeliverAsync(first[0], "dead-host", [], null, due.AddMinutes(7), CancellationToken.None));
        Assert.True(await store.DeliverAsync(first[0], "other", [], null, due.AddMinutes(7), CancellationToken.None));
        Assert.DoesNotContain(first[0].Id, (await store.ClaimDueAsync("third", due.AddHours(1), 100, Lease, CancellationToken.None)).Select(r => r.Id));
        Assert.Equal("sent", await ScalarAsync<string>("SELECT status FROM reminders WHERE id = @id", new { id = first[0].Id }));
    }

    [SkippableFact]
    public async Task A_reminder_cancelled_while_claimed_is_not_delivered()
    {
        var city = await TestCity.CreateAsync(Database);
        var id = await city.SubmittedAsync(city.PartyAMember, city.PartyAAdmin, "取消", TestCity.Monday);
        var store = new ReminderStore(Database);
        var claimed = await store.ClaimDueAsync("host", TestCity.Monday.AddYears(1), 100, Lease, CancellationToken.None);
        var decideReminder = claimed.First(r => r.ProposalId == id);

        await city.ActAsync(city.Government, id, "reject", TestCity.Monday.AddHours(1), new System.Text.Json.Nodes.JsonObject { ["reason"] = "不予采纳" });

        Assert.False(await store.DeliverAsync(decideReminder, "host", [new ReminderNotice(null, "government", "government", "reminder-reminder", "t", "b")], null, TestCity.Monday.AddHours(2), CancellationToken.None));
        Assert.Equal(0, await ScalarAsync<long>("SELECT COUNT(*) FROM notifications WHERE kind = 'reminder-reminder'"));
        Assert.Equal("cancelled", await ScalarAsync<string>("SELECT status FROM reminders WHERE id = @id", new { id = decideReminder.Id }));
    }

    [SkippableFact]
    public async Task Outbox_messages_are_claimed_once_retried_after_failure_and_dead_after_the_last_attempt()
    {
        var city = await TestCity.CreateAsync(Database);
        await city.SubmittedAsync(city.PartyAMember, city.PartyAAdmin, "投递", TestCity.Monday);
        var store = new OutboxStore(Database);
        var now = TestCity.Monday.AddMinutes(1);
        var claimed = await store.ClaimDueAsync("host", now, 100, Lease, CancellationToken.None);
        Assert.NotEmpty(claimed);
        Assert.Empty(await store.ClaimDueAsync("other", now, 100, Lease, CancellationToken.None));

        var delivered = claimed[1];
        Assert.True(await store.MarkDeliveredAsync(delivered.Id, "host", now, CancellationToken.None));
        Assert.False(await store.MarkDeliveredAsync(delivered.Id, "host", now, CancellationToken.None));
        Assert.Equal("delivered", await ScalarAsync<string>("SELECT delivery_status FROM notifications WHERE id = @id", new { id = delivered.Id }));

        var message = claimed[0];
        Assert.True(await store.MarkFailedAsync(message.Id, "host", "smtp: connection refused", now.AddMinutes(1), maxAttempts: 2, CancellationToken.None));
        var retry = await store.ClaimDueAsync("other", now.AddMinutes(2), 100, Lease, CancellationToken.None);
        Assert.Contains(message.Id, retry.Select(m => m.Id));
        Assert.Equal(1, retry.Single(m => m.Id == message.Id).Attempts);
        Assert.True(await store.MarkFailedAsync(message.Id, "other", "smtp: connection refused", now.AddMinutes(3), maxAttempts: 2, CancellationToken.None));
        Assert.Equal("dead", await ScalarAsync<string>("SELECT delivery_status FROM notifications WHERE id = @id", new { id = message.Id }));
        var later = (await store.ClaimDueAsync("third", now.AddHours(1), 100, Lease, CancellationToken.None)).Select(m => m.Id).ToList();
        Assert.DoesNotContain(message.Id, later);
        Assert.DoesNotContain(delivered.Id, later);
    }
}
