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

        Assert.Empty(await store.ClaimDueAsync("early", TestCity.Monday, 100, Lease, ReminderLevels.All, CancellationToken.None));

        var claims = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() => store.ClaimDueAsync($"host-{i}", farFuture, 3, Lease, ReminderLevels.All, CancellationToken.None))));
        var ids = claims.SelectMany(c => c.Select(r => r.Id)).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(pending, ids.Count);
        Assert.All(claims, c => Assert.True(c.Count <= 3));
        Assert.Equal(pending, await ScalarAsync<long>("SELECT COUNT(*) FROM reminders WHERE claimed_by IS NOT NULL"));
        Assert.Empty(await store.ClaimDueAsync("late", farFuture, 100, Lease, ReminderLevels.All, CancellationToken.None));
    }

    [SkippableFact]
    public async Task A_row_whose_claimer_died_is_claimed_again_after_the_lease_and_a_sent_row_never()
    {
        var city = await TestCity.CreateAsync(Database);
        await city.SubmittedAsync(city.PartyAMember, city.PartyAAdmin, "租约", TestCity.Monday);
        var store = new ReminderStore(Database);
        var due = TestCity.Monday.AddYears(1);
        var first = await store.ClaimDueAsync("dead-host", due, 100, Lease, ReminderLevels.All, CancellationToken.None);
        Assert.NotEmpty(first);

        Assert.Empty(await store.ClaimDueAsync("other", due.AddMinutes(4), 100, Lease, ReminderLevels.All, CancellationToken.None));
        var again = await store.ClaimDueAsync("other", due.AddMinutes(6), 100, Lease, ReminderLevels.All, CancellationToken.None);
        Assert.Equal(first.Select(r => r.Id).Order(), again.Select(r => r.Id).Order());

        Assert.False(await store.DeliverAsync(first[0], "dead-host", [], null, due.AddMinutes(7), CancellationToken.None));
        Assert.True(await store.DeliverAsync(first[0], "other", [], null, due.AddMinutes(7), CancellationToken.None));
        Assert.DoesNotContain(first[0].Id, (await store.ClaimDueAsync("third", due.AddHours(1), 100, Lease, ReminderLevels.All, CancellationToken.None)).Select(r => r.Id));
        Assert.Equal("sent", await ScalarAsync<string>("SELECT status FROM reminders WHERE id = @id", new { id = first[0].Id }));
    }

    [SkippableFact]
    public async Task A_renewed_claim_outlives_its_lease_and_one_left_to_lapse_is_taken_by_another_owner()
    {
        var city = await TestCity.CreateAsync(Database);
        await city.SubmittedAsync(city.PartyAMember, city.PartyAAdmin, "续租", TestCity.Monday);
        var store = new ReminderStore(Database);
        var lease = TimeSpan.FromSeconds(60);
        var t = TestCity.Monday.AddYears(1);
        var held = await store.ClaimDueAsync("busy-host", t, 100, lease, ReminderLevels.All, CancellationToken.None);
        Assert.NotEmpty(held);
        var ids = held.Select(r => r.Id).ToList();

        // Beats at 20 s and 40 s keep the claim until 100 s: at 90 s nobody else gets the rows, long after the first lease.
        Assert.Equal(ids.Count, await store.RenewAsync("busy-host", ids, t.AddSeconds(80), CancellationToken.None));
        Assert.Equal(ids.Count, await store.RenewAsync("busy-host", ids, t.AddSeconds(100), CancellationToken.None));
        Assert.Empty(await store.ClaimDueAsync("other", t.AddSeconds(90), 100, lease, ReminderLevels.All, CancellationToken.None));
        // A stranger's beat extends nothing.
        Assert.Equal(0, await store.RenewAsync("stranger", ids, t.AddHours(1), CancellationToken.None));

        // The busy host finishes one row; its beat no longer counts that one.
        Assert.True(await store.DeliverAsync(held[0], "busy-host", [], null, t.AddSeconds(95), CancellationToken.None));
        Assert.Equal(ids.Count - 1, await store.RenewAsync("busy-host", ids, t.AddSeconds(100), CancellationToken.None));

        // Then it stops beating (it died): after the lease another owner takes the rest, and the dead host's late beat takes nothing back.
        var taken = await store.ClaimDueAsync("other", t.AddSeconds(101), 100, lease, ReminderLevels.All, CancellationToken.None);
        Assert.Equal(ids.Skip(1).Order(), taken.Select(r => r.Id).Order());
        Assert.Equal(0, await store.RenewAsync("busy-host", ids, t.AddSeconds(200), CancellationToken.None));
        Assert.Equal(ids.Count - 1, await ScalarAsync<long>("SELECT COUNT(*) FROM reminders WHERE claimed_by = 'other'"));
    }

    [SkippableFact]
    public async Task A_failing_reminder_backs_off_is_dead_lettered_after_the_last_attempt_and_can_be_requeued()
    {
        var city = await TestCity.CreateAsync(Database);
        await city.SubmittedAsync(city.PartyAMember, city.PartyAAdmin, "坏提醒", TestCity.Monday);
        var store = new ReminderStore(Database);
        var lease = TimeSpan.FromSeconds(60);
        var t = TestCity.Monday.AddYears(1);
        var claimed = await store.ClaimDueAsync("host", t, 100, lease, ReminderLevels.All, CancellationToken.None);
        var bad = claimed[0];
        var pendingBefore = (await store.CountsAsync(CancellationToken.None)).Pending;
        Assert.Equal(0, bad.Attempts);

        Assert.True(await store.MarkFailedAsync(bad.Id, "host", "JsonException: bad recipients", t.AddMinutes(3), maxAttempts: 2, t, CancellationToken.None));
        Assert.False(await store.MarkFailedAsync(bad.Id, "host", "again", t.AddMinutes(1), maxAttempts: 2, t, CancellationToken.None));
        // Waits for its next attempt, while the other rows (released here by the lease) are claimed as usual.
        Assert.DoesNotContain(bad.Id, (await store.ClaimDueAsync("other", t.AddSeconds(90), 100, lease, ReminderLevels.All, CancellationToken.None)).Select(r => r.Id));
        var retry = Assert.Single(await store.ClaimDueAsync("third", t.AddMinutes(4), 100, lease, ReminderLevels.All, CancellationToken.None), r => r.Id == bad.Id);
        Assert.Equal(1, retry.Attempts);

        Assert.True(await store.MarkFailedAsync(bad.Id, "third", "JsonException: bad recipients (2)", t.AddMinutes(4), maxAttempts: 2, t.AddMinutes(2), CancellationToken.None));
        Assert.DoesNotContain(bad.Id, (await store.ClaimDueAsync("fourth", t.AddDays(1), 100, lease, ReminderLevels.All, CancellationToken.None)).Select(r => r.Id));
        var dead = Assert.Single(await store.ListDeadAsync(0, 10, CancellationToken.None));
        Assert.Equal((bad.Id, 2, "JsonException: bad recipients (2)", t.AddMinutes(2)), (dead.Id, dead.Attempts, dead.LastError, dead.DeadAt));
        Assert.Equal("pending", await ScalarAsync<string>("SELECT status FROM reminders WHERE id = @id", new { id = bad.Id }));
        Assert.Equal(new ReminderCounts(pendingBefore - 1, 1), await store.CountsAsync(CancellationToken.None));

        Assert.False(await store.RequeueDeadAsync(claimed.Count > 1 ? claimed[1].Id : 999_999, t.AddDays(1), CancellationToken.None));
        Assert.True(await store.RequeueDeadAsync(bad.Id, t.AddDays(1), CancellationToken.None));
        Assert.False(await store.RequeueDeadAsync(bad.Id, t.AddDays(1), CancellationToken.None));
        var revived = Assert.Single(await store.ClaimDueAsync("fifth", t.AddDays(2), 100, lease, ReminderLevels.All, CancellationToken.None), r => r.Id == bad.Id);
        Assert.Equal(0, revived.Attempts);
        Assert.Empty(await store.ListDeadAsync(0, 10, CancellationToken.None));
    }

    [SkippableFact]
    public async Task A_reminder_cancelled_while_claimed_is_not_delivered()
    {
        var city = await TestCity.CreateAsync(Database);
        var id = await city.SubmittedAsync(city.PartyAMember, city.PartyAAdmin, "取消", TestCity.Monday);
        var store = new ReminderStore(Database);
        var claimed = await store.ClaimDueAsync("host", TestCity.Monday.AddYears(1), 100, Lease, ReminderLevels.All, CancellationToken.None);
        var decideReminder = claimed.First(r => r.ProposalId == id);

        await city.ActAsync(city.Government, id, "reject", TestCity.Monday.AddHours(1), new System.Text.Json.Nodes.JsonObject { ["reason"] = "不予采纳" });

        Assert.False(await store.DeliverAsync(decideReminder, "host", [new ReminderNotice(null, "government", "government", "reminder-reminder", "t", "b")], null, TestCity.Monday.AddHours(2), CancellationToken.None));
        Assert.Equal(0, await ScalarAsync<long>("SELECT COUNT(*) FROM notifications WHERE kind = 'reminder-reminder'"));
        Assert.Equal("cancelled", await ScalarAsync<string>("SELECT status FROM reminders WHERE id = @id", new { id = decideReminder.Id }));
    }

    [SkippableFact]
    public async Task Outbox_messages_are_routed_once_and_each_channel_retries_and_is_dead_lettered_on_its_own()
    {
        var city = await TestCity.CreateAsync(Database);
        await city.SubmittedAsync(city.PartyAMember, city.PartyAAdmin, "投递", TestCity.Monday);
        var store = new OutboxStore(Database);
        var now = TestCity.Monday.AddMinutes(1);
        var claimed = await store.ClaimUnroutedAsync("host", now, 100, Lease, CancellationToken.None);
        Assert.True(claimed.Count >= 2);
        Assert.Empty(await store.ClaimUnroutedAsync("other", now, 100, Lease, CancellationToken.None));

        Assert.True(await store.RouteAsync(claimed[0].Id, "host", ["mail", "robot"], now, CancellationToken.None));
        Assert.False(await store.RouteAsync(claimed[0].Id, "host", ["mail", "robot"], now, CancellationToken.None));
        Assert.False(await store.RouteAsync(claimed[1].Id, "other", ["mail"], now, CancellationToken.None));
        Assert.True(await store.RouteAsync(claimed[1].Id, "host", [], now, CancellationToken.None));
        Assert.Equal("delivered", await ScalarAsync<string>("SELECT delivery_status FROM notifications WHERE id = @id", new { id = claimed[1].Id }));

        var deliveries = await store.ClaimDueDeliveriesAsync("host", now, 100, Lease, CancellationToken.None);
        Assert.Equal(["mail", "robot"], deliveries.Select(d => d.Channel).Order().ToArray());
        Assert.All(deliveries, d => Assert.Equal(claimed[0].Title, d.Message.Title));
        Assert.Empty(await store.ClaimDueDeliveriesAsync("other", now, 100, Lease, CancellationToken.None));

        var mail = deliveries.Single(d => d.Channel == "mail");
        var robot = deliveries.Single(d => d.Channel == "robot");
        Assert.True(await store.MarkSentAsync(mail.Id, "host", now, CancellationToken.None));
        Assert.False(await store.MarkSentAsync(mail.Id, "host", now, CancellationToken.None));

        Assert.True(await store.MarkFailedAsync(robot.Id, "host", "robot: 500", now.AddMinutes(1), maxAttempts: 2, CancellationToken.None));
        Assert.Empty(await store.ClaimDueDeliveriesAsync("other", now.AddSeconds(30), 100, Lease, CancellationToken.None));
        var retry = Assert.Single(await store.ClaimDueDeliveriesAsync("other", now.AddMinutes(2), 100, Lease, CancellationToken.None));
        Assert.Equal((robot.Id, 1), (retry.Id, retry.Attempts));
        Assert.True(await store.MarkFailedAsync(robot.Id, "other", "robot: 500 again", now.AddMinutes(3), maxAttempts: 2, CancellationToken.None));
        Assert.Empty(await store.ClaimDueDeliveriesAsync("third", now.AddHours(1), 100, Lease, CancellationToken.None));

        var dead = Assert.Single(await store.ListAsync("dead", 0, 10, CancellationToken.None));
        Assert.Equal((robot.Id, "robot", 2, "robot: 500 again"), (dead.Id, dead.Channel, dead.Attempts, dead.LastError));
        var counts = await store.CountsAsync(CancellationToken.None);
        Assert.Equal(1, counts.Dead);
        Assert.Equal(0, counts.Pending);

        Assert.False(await store.RetryDeadAsync(mail.Id, now.AddHours(2), CancellationToken.None));
        Assert.True(await store.RetryDeadAsync(robot.Id, now.AddHours(2), CancellationToken.None));
        var revived = Assert.Single(await store.ClaimDueDeliveriesAsync("third", now.AddHours(2), 100, Lease, CancellationToken.None));
        Assert.Equal((robot.Id, 0), (revived.Id, revived.Attempts));
    }

    [SkippableFact]
    public async Task PostOnceAsync_writes_a_period_s_notifications_for_the_first_caller_only()
    {
        var store = new OutboxStore(Database);
        var notice = new ReminderNotice(null, "supervision", "supervisor", "digest", "督查日报", "正文");
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => store.PostOnceAsync("digest", "2026-03-02", [notice], TestCity.Monday, CancellationToken.None))));

        Assert.Equal(1, results.Count(r => r));
        Assert.True(await store.HasRunAsync("digest", "2026-03-02", CancellationToken.None));
        Assert.False(await store.HasRunAsync("digest", "2026-03-03", CancellationToken.None));
        Assert.Equal(1, await ScalarAsync<long>("SELECT COUNT(*) FROM notifications WHERE kind = 'digest'"));
    }
}
