using Proposals.Engine.Execution;

namespace Proposals.Engine.Tests.Execution;

/// <summary>How task due dates and reminder rows are worked out when a task opens.</summary>
public class ReminderFacts
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    private static DateTimeOffset Utc(int month, int day, int hour) => new(2025, month, day, hour, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_passed_reminder_moment_becomes_one_reminder_due_at_once_and_the_later_ones_stay()
    {
        var run = Scenario.InGovernmentReview();

        var transition = run.Do(People.Government(), "adopt", """{ "leadDepartmentId": 20, "coDepartmentIds": [21], "dueDate": "2025-03-13" }""");

        var reply = transition.OpenedTasks.Single(t => t.TaskId == "reply");
        // 30 days before 13 March was in February: caught up now (Monday 3 March, 07:00 in Shanghai = 2 March 23:00 UTC).
        // 7 days and 1 day before are still ahead.
        Assert.Equal(
            [("reminder", new DateTimeOffset(2025, 3, 2, 23, 0, 0, TimeSpan.Zero)), ("reminder", Utc(3, 6, 1)), ("reminder", Utc(3, 12, 1)),
             ("blue", Utc(3, 13, 16)), ("yellow", Utc(3, 20, 16)), ("red", Utc(3, 27, 16))],
            reply.Reminders.Select(r => (r.Level, r.DueAt)));
        Assert.All(transition.OpenedTasks.SelectMany(t => t.Reminders), r => Assert.True(r.DueAt >= run.Now));
    }

    [Fact]
    public void A_reply_due_tomorrow_gets_exactly_one_reminder_due_now_for_the_one_day_moment()
    {
        var run = Scenario.InGovernmentReview();
        run.Now = new DateTimeOffset(2025, 3, 3, 10, 0, 0, Shanghai);

        var reply = run.Do(People.Government(), "adopt", """{ "leadDepartmentId": 20, "dueDate": "2025-03-04" }""").OpenedTasks.Single(t => t.TaskId == "reply");

        // 30 and 7 days before were in February; 1 day before was 09:00 today. One reminder, now, to the lead department.
        var reminder = Assert.Single(reply.Reminders, r => r.Level == "reminder");
        Assert.Equal(new DateTimeOffset(2025, 3, 3, 2, 0, 0, TimeSpan.Zero), reminder.DueAt);
        Assert.Equal([new Recipient(Orgs.Fgj, null, "department")], reminder.Recipients);
        Assert.Equal(["blue", "yellow", "red"], reply.Reminders.Where(r => r.Level != "reminder").Select(r => r.Level));
    }

    [Fact]
    public void A_task_that_turns_catching_up_off_gets_no_reminder_for_passed_moments()
    {
        var run = Scenario.InGovernmentReview(definition => definition with
        {
            Tasks = definition.Tasks.Select(t => t.Id == "reply" ? t with { CatchUpReminders = false } : t).ToList(),
        });
        run.Now = new DateTimeOffset(2025, 3, 3, 10, 0, 0, Shanghai);

        var reply = run.Do(People.Government(), "adopt", """{ "leadDepartmentId": 20, "dueDate": "2025-03-04" }""").OpenedTasks.Single(t => t.TaskId == "reply");

        Assert.DoesNotContain(reply.Reminders, r => r.Level == "reminder");
        Assert.Equal([("blue", Utc(3, 4, 16)), ("yellow", Utc(3, 11, 16)), ("red", Utc(3, 18, 16))], reply.Reminders.Select(r => (r.Level, r.DueAt)));
    }

    [Fact]
    public void A_task_opened_before_every_reminder_moment_gets_them_all_on_their_days()
    {
        var run = Scenario.InGovernmentReview();

        var reply = run.Do(People.Government(), "adopt", """{ "leadDepartmentId": 20, "dueDate": "2025-05-30" }""").OpenedTasks.Single(t => t.TaskId == "reply");

        // 30 days before 30 May is 30 April; 7 days before is 23 May; 1 day before is 29 May; each at 09:00 in Shanghai.
        Assert.Equal(
            [Utc(4, 30, 1), Utc(5, 23, 1), Utc(5, 29, 1)],
            reply.Reminders.Where(r => r.Level == "reminder").Select(r => r.DueAt));
    }

    [Fact]
    public void Serialising_a_definition_that_leaves_catching_up_out_does_not_write_it()
    {
        var definition = new Scenario().Definition;

        var text = System.Text.Json.JsonSerializer.Serialize(definition, Proposals.Engine.Definitions.DefinitionLoader.SerializerOptions);

        Assert.DoesNotContain("catchUpReminders", text, StringComparison.Ordinal);
        var turnedOff = definition with { Tasks = [definition.Tasks[0] with { CatchUpReminders = false }] };
        Assert.Contains("\"catchUpReminders\": false", System.Text.Json.JsonSerializer.Serialize(turnedOff, Proposals.Engine.Definitions.DefinitionLoader.SerializerOptions), StringComparison.Ordinal);
    }

    [Fact]
    public void A_reminder_at_nine_today_is_scheduled_before_nine_and_not_after()
    {
        var early = Scenario.InGovernmentReview();
        var late = Scenario.InGovernmentReview();
        late.Now = new DateTimeOffset(2025, 3, 3, 9, 30, 0, Shanghai);
        const string adopt = """{ "leadDepartmentId": 20, "dueDate": "2025-03-04" }""";

        var earlyReply = early.Do(People.Government(), "adopt", adopt).OpenedTasks.Single(t => t.TaskId == "reply");
        var lateReply = late.Do(People.Government(), "adopt", adopt).OpenedTasks.Single(t => t.TaskId == "reply");

        Assert.Contains(earlyReply.Reminders, r => r.Level == "reminder" && r.DueAt == Utc(3, 3, 1));
        // After nine the moment has passed: one reminder at once (09:30 in Shanghai) instead, beside the three rungs.
        Assert.Equal([new DateTimeOffset(2025, 3, 3, 1, 30, 0, TimeSpan.Zero)], lateReply.Reminders.Where(r => r.Level == "reminder").Select(r => r.DueAt));
        Assert.Equal(4, lateReply.Reminders.Count);
    }

    [Fact]
    public void An_opinion_deadline_that_would_fall_in_the_past_is_due_today_instead()
    {
        var run = Scenario.InGovernmentReview();

        var transition = run.Do(People.Government(), "adopt", """{ "leadDepartmentId": 20, "coDepartmentIds": [21], "dueDate": "2025-03-13" }""");

        var opinion = transition.OpenedTasks.Single(t => t.TaskId == "opinion");
        Assert.Equal(new DateOnly(2025, 3, 3), opinion.DueDate);
        // Its reminder moment (3 working days before) has passed, but the day is not over: one reminder at once.
        Assert.Equal([("reminder", run.Now), ("overdue", Utc(3, 3, 16))], opinion.Reminders.Select(r => (r.Level, r.DueAt)));
        Assert.Equal([new Recipient(Orgs.Jyj, null, "department")], opinion.Reminders[0].Recipients);
        var overdue = opinion.Reminders[1];
        Assert.Equal([new Recipient(Orgs.Jyj, null, "department"), new Recipient(Orgs.Fgj, null, "department")], overdue.Recipients);
    }

    [Fact]
    public void An_opinion_task_due_today_is_not_moved_by_later_actions_that_leave_the_deadline_alone()
    {
        var run = Scenario.InGovernmentReview();
        run.Do(People.Government(), "adopt", """{ "leadDepartmentId": 20, "coDepartmentIds": [21], "dueDate": "2025-03-13" }""");
        var opinion = run.OpenTask("opinion", Orgs.Jyj);

        run.Now = new DateTimeOffset(2025, 3, 5, 10, 0, 0, Shanghai);
        var signing = run.Do(People.Department(Orgs.Fgj), "sign");
        var urging = run.Do(People.Supervisor(), "urge", """{ "message": "请教育局尽快提交协办意见" }""");

        Assert.DoesNotContain(signing.ClosedTasks, c => c.TaskId == "opinion");
        Assert.DoesNotContain(urging.ClosedTasks, c => c.TaskId == "opinion");
        Assert.Same(opinion, run.OpenTask("opinion", Orgs.Jyj));
    }

    [Fact]
    public void Tasks_without_a_deadline_have_no_reminders()
    {
        var run = new Scenario();

        var research = Assert.Single(run.Create().OpenedTasks);

        Assert.Null(research.DueAt);
        Assert.Empty(research.Reminders);
    }

    [Fact]
    public void Signing_is_due_three_working_days_after_assignment_over_a_holiday()
    {
        var calendar = Calendar.Calendars.NationalDay2025();
        var run = Scenario.Drafted(calendar);
        run.Now = new DateTimeOffset(2025, 9, 29, 10, 0, 0, Shanghai);
        run.Do(People.PartyAdmin(), "submit");
        run.Now = new DateTimeOffset(2025, 9, 30, 10, 0, 0, Shanghai);

        var sign = run.Adopt(Orgs.Fgj).OpenedTasks.Single(t => t.TaskId == "sign");

        // 9 and 10 October, then the make-up Saturday 11 October.
        Assert.Equal(new DateOnly(2025, 10, 11), sign.DueDate);
        Assert.Equal(("reminder", new DateTimeOffset(2025, 10, 10, 1, 0, 0, TimeSpan.Zero)), (sign.Reminders[0].Level, sign.Reminders[0].DueAt));
        // The reply is due three calendar months later: 30 December.
        Assert.Equal(new DateOnly(2025, 12, 30), run.Item.ItemDueDate);
    }
}
