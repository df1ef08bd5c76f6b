using Microsoft.Extensions.DependencyInjection;
using Proposals.Data.Reminders;
using Proposals.Host.Reminders;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Reminders;

public sealed class ReminderDispatchFactsOnSqlite() : ReminderDispatchFacts(TestDatabases.Sqlite);

public sealed class ReminderDispatchFactsOnPostgres() : ReminderDispatchFacts(TestDatabases.Postgres);

public sealed class ReminderDispatchFactsOnSqlServer() : ReminderDispatchFacts(TestDatabases.SqlServer);

public abstract class ReminderDispatchFacts(Func<TestDatabase> database) : ChainFacts(database)
{
    // The default lease (Jobs:Lease).
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    private Task<int> DispatchAsync(string owner = "host-a") =>
        Host.Services.GetRequiredService<ReminderDispatcher>().DispatchDueAsync(owner, ReminderLevels.All, 100, CancellationToken.None);

    private async Task MoveToAsync(DateTimeOffset instant) => await C.AdvanceAsync(instant - Host.Clock.GetUtcNow());

    private long Notifications(string kind, string code) =>
        Host.Scalar($"SELECT COUNT(*) FROM notifications WHERE kind = '{kind}' AND organization_id = {C.Org(code)}");

    [SkippableFact]
    public async Task Reminders_go_out_once_when_due_only_for_tasks_still_open_and_overdue_notices_repeat_daily_until_answered()
    {
        var id = await C.AdoptedAsync(); // Monday 2 March, 09:00 Beijing: signing is due Thursday 5 March.
        await C.Lead.ActAsync(id, "sign");
        Assert.Equal(0, await DispatchAsync());

        await MoveToAsync(new DateTimeOffset(2026, 3, 4, 1, 30, 0, TimeSpan.Zero)); // one working day before, 09:30 Beijing
        Assert.Equal(2, await DispatchAsync());
        Assert.Equal(0, await DispatchAsync("host-b"));
        Assert.Equal(1, Notifications("reminder-reminder", "jyj"));
        Assert.Equal(1, Notifications("reminder-reminder", "zjj"));
        Assert.Equal(0, Notifications("reminder-reminder", "fgj"));
        var inbox = await C.Co1.GetJsonAsync("/api/inbox");
        Assert.Contains(inbox["notifications"]!.AsArray(), n => n!["title"]!.GetValue<string>().StartsWith("到期提醒", StringComparison.Ordinal)
            && n["body"]!.GetValue<string>().Contains("2026-03-05", StringComparison.Ordinal));

        await MoveToAsync(new DateTimeOffset(2026, 3, 5, 16, 30, 0, TimeSpan.Zero)); // Friday 00:30 Beijing: overdue
        Assert.Equal(2, await DispatchAsync());
        Assert.Equal(1, Notifications("reminder-overdue", "jyj"));
        Assert.Equal(2, Host.Scalar("SELECT COUNT(*) FROM notifications WHERE kind = 'reminder-overdue' AND organization_kind = 'supervision'"));
        var board = await C.Supervisor.GetJsonAsync("/api/inbox");
        Assert.Contains(board["notifications"]!.AsArray(), n => n!["title"]!.GetValue<string>().StartsWith("逾期提醒", StringComparison.Ordinal));

        await C.Co1.ActAsync(id, "sign");
        await MoveToAsync(new DateTimeOffset(2026, 3, 9, 2, 0, 0, TimeSpan.Zero)); // the next working morning
        Assert.Equal(1, await DispatchAsync());
        Assert.Equal(1, Notifications("reminder-overdue", "jyj"));
        Assert.Equal(2, Notifications("reminder-overdue", "zjj"));
        Assert.Equal(0, await DispatchAsync());
    }

    [SkippableFact]
    public async Task A_reminder_claimed_by_a_host_that_died_is_sent_by_another_once_the_lease_has_run_out()
    {
        await C.AdoptedAsync();
        await MoveToAsync(new DateTimeOffset(2026, 3, 4, 1, 30, 0, TimeSpan.Zero));
        var store = Host.Services.GetRequiredService<ReminderStore>();
        var claimed = await store.ClaimDueAsync("dead-host", Host.Clock.GetUtcNow(), 100, Lease, ReminderLevels.All, CancellationToken.None);
        Assert.Equal(3, claimed.Count);
        Assert.Equal(0, await DispatchAsync("host-b"));

        await MoveToAsync(Host.Clock.GetUtcNow() + Lease + TimeSpan.FromSeconds(1));
        Assert.Equal(3, await DispatchAsync("host-b"));
        Assert.Equal(3, Host.Scalar("SELECT COUNT(*) FROM notifications WHERE kind = 'reminder-reminder'"));
    }

    [SkippableFact]
    public async Task An_unreadable_reminder_backs_off_without_holding_back_its_batch_is_dead_lettered_after_five_attempts_and_can_be_requeued()
    {
        await C.AdoptedAsync(); // three departments to sign by Thursday 5 March; each reminded a working day before
        var bad = Host.Scalar($"SELECT MIN(r.id) FROM reminders r JOIN tasks t ON t.id = r.task_row_id WHERE r.level = 'reminder' AND t.task_id = 'sign' AND t.organization_id = {C.Org("jyj")}");
        var good = Host.Database.Scalar<string>($"SELECT recipients FROM reminders WHERE id = {bad}");
        Host.Database.Scalar<long>($"UPDATE reminders SET recipients = '{{not json' WHERE id = {bad}; SELECT 1");
        await MoveToAsync(new DateTimeOffset(2026, 3, 4, 1, 30, 0, TimeSpan.Zero));

        Assert.Equal(2, await DispatchAsync());
        Assert.Equal(0, Notifications("reminder-reminder", "jyj"));
        Assert.Equal(1, Notifications("reminder-reminder", "zjj"));
        // Attempt 1 failed: tried again 1 minute later, then after 2, 4 and 8 more; the fifth failure dead-letters it.
        foreach (var wait in new[] { 1, 2, 4, 8 })
        {
            await MoveToAsync(Host.Clock.GetUtcNow() + TimeSpan.FromMinutes(wait) - TimeSpan.FromSeconds(1));
            Assert.Equal(0, await DispatchAsync());
            Assert.Equal(5 - wait switch { 1 => 4, 2 => 3, 4 => 2, _ => 1 }, Host.Scalar($"SELECT attempts FROM reminders WHERE id = {bad}"));
            await MoveToAsync(Host.Clock.GetUtcNow() + TimeSpan.FromSeconds(1));
            Assert.Equal(0, await DispatchAsync());
        }
        Assert.Equal(5, Host.Scalar($"SELECT attempts FROM reminders WHERE id = {bad}"));
        await MoveToAsync(Host.Clock.GetUtcNow() + TimeSpan.FromDays(1));
        Assert.Equal(5, Host.Scalar($"SELECT attempts FROM reminders WHERE id = {bad}"));

        var dead = await C.Supervisor.GetJsonAsync("/api/reminders/dead");
        var item = Assert.Single(dead["items"]!.AsArray())!;
        Assert.Equal(bad, item["id"]!.GetValue<long>());
        Assert.Equal(5, item["attempts"]!.GetValue<int>());
        Assert.StartsWith("JsonException", item["lastError"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, dead["counts"]!["dead"]!.GetValue<long>());
        var ready = System.Text.Json.Nodes.JsonNode.Parse(await C.Admin.Http.GetStringAsync("/health/ready"))!;
        Assert.Equal("Degraded", ready["status"]!.GetValue<string>());
        Assert.Equal("Degraded", ready["checks"]!["reminders"]!["status"]!.GetValue<string>());
        using var browser = new PageClient(Host);
        await browser.SignInAsync("admin");
        var page = await browser.GetAsync("/admin/dead-letters");
        Assert.Contains($"<td>{bad}</td>", page, StringComparison.Ordinal);

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await C.Supervisor.PostAsync($"/api/reminders/{bad}/requeue", null)).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await C.Admin.PostAsync("/api/reminders/999999/requeue", null)).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, (await C.Admin.GetAsync("/api/reminders/dead?pageSize=0")).StatusCode);
        Host.Database.Scalar<long>($"UPDATE reminders SET recipients = '{good}' WHERE id = {bad}; SELECT 1");
        var requeued = await browser.PostFormAsync("/admin/dead-letters?handler=RequeueReminder", page, [new("id", bad.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        Assert.Equal(System.Net.HttpStatusCode.OK, requeued.StatusCode);
        Assert.Contains($"已将提醒 {bad} 重新排队", await requeued.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await C.Admin.PostAsync($"/api/reminders/{bad}/requeue", null)).StatusCode);
        Assert.Equal(1, await DispatchAsync());
        Assert.Equal(1, Notifications("reminder-reminder", "jyj"));
        Assert.Equal("Healthy", System.Text.Json.Nodes.JsonNode.Parse(await C.Admin.Http.GetStringAsync("/health/ready"))!["checks"]!["reminders"]!["status"]!.GetValue<string>());
    }
}
