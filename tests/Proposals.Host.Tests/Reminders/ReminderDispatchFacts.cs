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
}
