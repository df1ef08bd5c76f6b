using System.Net;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Proposals;

public sealed class DeadlineFactsOnSqlite() : DeadlineFacts(TestDatabases.Sqlite);

public sealed class DeadlineFactsOnPostgres() : DeadlineFacts(TestDatabases.Postgres);

public sealed class DeadlineFactsOnSqlServer() : DeadlineFacts(TestDatabases.SqlServer);

public abstract class DeadlineFacts(Func<TestDatabase> database) : ChainFacts(database)
{
    [SkippableFact]
    public async Task Signing_is_due_three_working_days_later_across_a_holiday_a_make_up_day_and_a_weekend()
    {
        // Monday 2026-03-02: Tue–Thu are holidays, Saturday is a make-up working day, Sunday is off.
        var calendar = await C.Admin.PutAsync("/api/calendar/days", new
        {
            days = new object[]
            {
                new { date = "2026-03-03", isWorkingDay = false, note = "假日" },
                new { date = "2026-03-04", isWorkingDay = false, note = "假日" },
                new { date = "2026-03-05", isWorkingDay = false, note = "假日" },
                new { date = "2026-03-07", isWorkingDay = true, note = "调休上班" },
            },
        });
        Assert.Equal(HttpStatusCode.OK, calendar.StatusCode);

        var id = await C.AdoptedAsync();
        var adopted = await C.Lead.ProposalAsync(id);
        var signTasks = adopted["openTasks"]!.AsArray().Where(t => t!["taskId"]!.GetValue<string>() == "sign").ToList();
        Assert.Equal(3, signTasks.Count);
        // Fri 06 (1), Sat 07 make-up (2), Sun 08 off, Mon 09 (3).
        Assert.All(signTasks, t => Assert.Equal("2026-03-09", t!["dueDate"]!.GetValue<string>()));
        Assert.All(signTasks, t => Assert.Equal(DateTimeOffset.Parse("2026-03-09T16:00:00Z", System.Globalization.CultureInfo.InvariantCulture), t!["dueAt"]!.GetValue<DateTimeOffset>()));

        var leadSignTask = signTasks.Single(t => t!["organization"]!["code"]!.GetValue<string>() == "fgj")!["id"]!.GetValue<long>();
        // One working day before falls on the make-up Saturday, 09:00 Beijing; overdue from the start of Tuesday.
        Assert.Equal(
            ["overdue@2026-03-09 16:00:pending", "reminder@2026-03-07 01:00:pending"],
            Reminders($"task_row_id = {leadSignTask}").Select(r => $"{r.Level}@{r.DueAt:yyyy-MM-dd HH:mm}:{r.Status}"));

        await C.Lead.ActAsync(id, "sign");
        Assert.Equal(
            ["overdue:cancelled", "reminder:cancelled"],
            Reminders($"task_row_id = {leadSignTask}").Select(r => $"{r.Level}:{r.Status}"));
        Assert.NotEqual(0, Host.Scalar($"SELECT COUNT(*) FROM tasks WHERE id = {leadSignTask} AND closed_at IS NOT NULL"));
    }

    [SkippableFact]
    public async Task The_reply_deadline_carries_the_reminders_and_the_three_colour_ladder_of_the_definition()
    {
        var id = await C.AdoptedAsync(dueDate: "2026-05-29");
        var reply = (await C.Lead.ProposalAsync(id))["openTasks"]!.AsArray().Single(t => t!["taskId"]!.GetValue<string>() == "reply")!;
        Assert.Equal("2026-05-29", reply["dueDate"]!.GetValue<string>());
        var rows = Reminders($"task_row_id = {reply["id"]}").OrderBy(r => r.DueAt).ToList();
        Assert.Equal(
            [
                "reminder@2026-04-29 01:00", // 30 days before (Apr 29, a working day)
                "reminder@2026-05-22 01:00", // 7 days before
                "reminder@2026-05-28 01:00", // 1 day before
                "blue@2026-05-29 16:00",     // overdue from the start of Saturday 30 May
                "yellow@2026-06-05 16:00",   // 5 working days later
                "red@2026-06-12 16:00",      // 10 working days later
            ],
            rows.Select(r => $"{r.Level}@{r.DueAt:yyyy-MM-dd HH:mm}"));
        Assert.Equal(["red"], rows.Where(r => r.FlagKey).Select(r => r.Level));
    }

    [SkippableFact]
    public async Task An_overdue_item_is_listed_for_the_supervisor_with_its_working_days_overdue()
    {
        var id = await C.AdoptedAsync();
        await C.AdvanceAsync(TimeSpan.FromDays(9)); // Wednesday 11 March: signing was due Thursday 5 March.
        var board = await C.Supervisor.GetJsonAsync("/api/supervision/overdue");
        var signing = board["items"]!.AsArray().Where(i => i!["proposalId"]!.GetValue<long>() == id && i["task"]!["taskId"]!.GetValue<string>() == "sign").ToList();
        Assert.Equal(3, signing.Count);
        Assert.All(signing, i => Assert.True(i!["task"]!["overdue"]!.GetValue<bool>()));
        Assert.All(signing, i => Assert.Equal(4, i!["task"]!["daysOverdue"]!.GetValue<int>()));
        var overdueList = await C.Supervisor.GetJsonAsync("/api/proposals?overdue=true");
        Assert.Equal([id], overdueList["items"]!.AsArray().Select(p => p!["id"]!.GetValue<long>()));
        var leadInbox = await C.Lead.GetJsonAsync("/api/inbox");
        Assert.Contains(leadInbox["tasks"]!.AsArray(), t => t!["task"]!["overdue"]!.GetValue<bool>());
    }

    private sealed class ReminderRow
    {
        public string Level { get; init; } = "";
        public DateTime DueAt { get; init; }
        public string Status { get; init; } = "";
        public bool FlagKey { get; init; }
    }

    private List<ReminderRow> Reminders(string condition) =>
        Database.Query<ReminderRow>($"SELECT level AS Level, due_at AS DueAt, status AS Status, flag_key AS FlagKey FROM reminders WHERE {condition} ORDER BY level").ToList();
}
