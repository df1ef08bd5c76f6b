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
