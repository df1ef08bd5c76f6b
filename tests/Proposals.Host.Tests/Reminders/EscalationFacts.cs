using Microsoft.Extensions.DependencyInjection;
using Proposals.Host.Jobs;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Reminders;

public sealed class EscalationFactsOnSqlite() : EscalationFacts(TestDatabases.Sqlite);

public sealed class EscalationFactsOnPostgres() : EscalationFacts(TestDatabases.Postgres);

public sealed class EscalationFactsOnSqlServer() : EscalationFacts(TestDatabases.SqlServer);

/// <summary>
/// The ladder of process.md on the reply step (due Wednesday 15 April 2026): a blue notice the first working morning
/// after, repeated each working morning; yellow after 5 working days; red after 10, which flags the item for key
/// supervision. Driven by the scheduled jobs themselves, on the test's clock.
/// </summary>
public abstract class EscalationFacts(Func<TestDatabase> database) : ChainFacts(database)
{
    private ScheduledJobs Jobs => Host.Services.GetRequiredService<ScheduledJobs>();

    private async Task MoveToAsync(int month, int day, int hourUtc = 2) =>
        await C.AdvanceAsync(new DateTimeOffset(2026, month, day, hourUtc, 0, 0, TimeSpan.Zero) - Host.Clock.GetUtcNow());

    private long Count(string kind, string? code = null, string? organizationKind = null) => Host.Scalar(
        $"SELECT COUNT(*) FROM notifications WHERE kind = '{kind}'"
        + (code is null ? "" : $" AND organization_id = {C.Org(code)}")
        + (organizationKind is null ? "" : $" AND organization_kind = '{organizationKind}'"));

    private long KeyFlags(long id) => Host.Scalar($"SELECT COUNT(*) FROM audit_events WHERE proposal_id = {id} AND action = 'flag-key'");

    [SkippableFact]
    public async Task The_sweep_walks_blue_yellow_and_red_once_each_repeats_blue_daily_and_red_flags_the_item_through_the_engine()
    {
        var id = await C.ReadyToReplyAsync("2026-04-15");

        await MoveToAsync(4, 16); // Thursday 10:00 Beijing, the first morning overdue
        await Jobs.SweepOverdueAsync(CancellationToken.None);
        Assert.Equal(1, Count("reminder-blue", "fgj"));
        Assert.Equal(1, Count("reminder-blue", organizationKind: "supervision"));
        Assert.Equal(0, Count("reminder-reminder", "fgj")); // reminders before the deadline are the other job's
        await Jobs.DispatchRemindersAsync(CancellationToken.None);
        Assert.True(Count("reminder-reminder", "fgj") > 0);
        Assert.Equal(1, Count("reminder-blue", "fgj"));

        await Jobs.SweepOverdueAsync(CancellationToken.None);
        Assert.Equal(1, Count("reminder-blue", "fgj"));
        await MoveToAsync(4, 17);
        await Jobs.SweepOverdueAsync(CancellationToken.None);
        Assert.Equal(2, Count("reminder-blue", "fgj"));
        Assert.Equal(0, Count("reminder-yellow"));

        await MoveToAsync(4, 22); // four working days overdue
        await Jobs.SweepOverdueAsync(CancellationToken.None);
        Assert.Equal(0, Count("reminder-yellow"));
        await MoveToAsync(4, 23); // five working days overdue
        await Jobs.SweepOverdueAsync(CancellationToken.None);
        Assert.Equal(1, Count("reminder-yellow", "fgj"));
        Assert.Equal(1, Count("reminder-yellow", organizationKind: "government"));
        Assert.Equal(1, Count("reminder-yellow", organizationKind: "supervision"));
        Assert.Equal(4, Count("reminder-blue", "fgj")); // each working morning once: 16, 17, 22 and 23 April
        var yellow = await C.Lead.GetJsonAsync("/api/inbox");
        Assert.Contains(yellow["notifications"]!.AsArray(), n => n!["title"]!.GetValue<string>().StartsWith("黄色督办", StringComparison.Ordinal)
            && n["body"]!.GetValue<string>().Contains("已逾期 6 个工作日", StringComparison.Ordinal)); // counted as the supervision board counts: today included
        Assert.False((await C.Lead.GetJsonAsync($"/api/proposals/{id}"))["keySupervision"]!.GetValue<bool>());

        await MoveToAsync(4, 29); // nine working days overdue
        await Jobs.SweepOverdueAsync(CancellationToken.None);
        Assert.Equal(0, Count("reminder-red"));
        await MoveToAsync(4, 30); // ten working days overdue
        await Jobs.SweepOverdueAsync(CancellationToken.None);
        await Jobs.SweepOverdueAsync(CancellationToken.None);
        Assert.Equal(1, Count("reminder-red", "fgj"));
        Assert.Equal(1, Count("reminder-red", organizationKind: "committee"));
        Assert.Equal(1, Count("reminder-yellow", "fgj"));
        var item = await C.Supervisor.GetJsonAsync($"/api/proposals/{id}");
        Assert.True(item["keySupervision"]!.GetValue<bool>());
        Assert.Equal(1, KeyFlags(id));
        var flag = (await ApiClient.JsonArray(await C.Supervisor.GetAsync($"/api/proposals/{id}/history"), System.Net.HttpStatusCode.OK)).Last()!;
        Assert.Equal("flag-key", flag["action"]!.GetValue<string>());
        Assert.Equal("系统（自动督办）", flag["actor"]!["name"]!.GetValue<string>());
        Assert.Contains("逾期已满 10 个工作日", flag["comment"]!.GetValue<string>(), StringComparison.Ordinal);

        await C.RecordContactAsync(id);
        await C.Lead.ActAsync(id, "reply", new { text = "已办结", category = "A" });
        var before = Host.Scalar("SELECT COUNT(*) FROM notifications WHERE kind LIKE 'reminder-%'");
        await MoveToAsync(5, 6); // the next working morning after the May Day holiday
        await Jobs.SweepOverdueAsync(CancellationToken.None);
        await Jobs.DispatchRemindersAsync(CancellationToken.None);
        Assert.Equal(before, Host.Scalar("SELECT COUNT(*) FROM notifications WHERE kind LIKE 'reminder-%'"));
        Assert.Equal(0, Host.Scalar($"SELECT COUNT(*) FROM reminders r JOIN tasks t ON t.id = r.task_row_id WHERE r.proposal_id = {id} AND t.task_id = 'reply' AND r.status = 'pending'"));
    }

    [SkippableFact]
    public async Task The_red_rung_on_an_item_a_supervisor_flagged_already_still_tells_everyone_but_flags_it_once()
    {
        var id = await C.ReadyToReplyAsync("2026-04-15");
        await MoveToAsync(4, 20);
        await C.Supervisor.ActAsync(id, "flag-key", new { reason = "群众关注度高" });

        await MoveToAsync(4, 30);
        await Jobs.SweepOverdueAsync(CancellationToken.None);

        Assert.Equal(1, Count("reminder-red", "fgj"));
        Assert.Equal(1, KeyFlags(id));
        Assert.Equal(0, Host.Scalar($"SELECT COUNT(*) FROM audit_events WHERE proposal_id = {id} AND actor_name = '系统（自动督办）'"));
    }
}
