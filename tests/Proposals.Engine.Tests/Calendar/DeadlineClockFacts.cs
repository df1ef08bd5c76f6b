using Proposals.Engine.Calendar;
using Proposals.Engine.Execution;

namespace Proposals.Engine.Tests.Calendar;

public class DeadlineClockFacts
{
    private static DeadlineClock Shanghai(WorkingCalendar? calendar = null) =>
        new(calendar ?? WorkingCalendar.WeekendsOnly, EngineContext.FindZone("Asia/Shanghai"));

    private static Duration Span(string text) => Duration.TryParse(text, out var duration) ? duration : throw new ArgumentException(text);

    [Fact]
    public void An_item_becomes_overdue_at_local_midnight_after_its_due_date()
    {
        Assert.Equal(new DateTimeOffset(2025, 3, 31, 16, 0, 0, TimeSpan.Zero), Shanghai().OverdueAt(new DateOnly(2025, 3, 31)));
    }

    [Fact]
    public void Reminders_go_out_at_nine_in_the_local_morning()
    {
        Assert.Equal(new DateTimeOffset(2025, 3, 24, 1, 0, 0, TimeSpan.Zero), Shanghai().ReminderAt(new DateOnly(2025, 3, 24)));
    }

    [Fact]
    public void The_local_date_of_a_late_utc_evening_is_the_next_day()
    {
        var clock = Shanghai();

        Assert.Equal(new DateOnly(2025, 3, 3), clock.LocalDate(new DateTimeOffset(2025, 3, 2, 16, 0, 0, TimeSpan.Zero)));
        Assert.Equal(new DateOnly(2025, 3, 2), clock.LocalDate(new DateTimeOffset(2025, 3, 2, 15, 59, 59, TimeSpan.Zero)));
    }

    [Theory]
    [InlineData("2025-03-03", "20wd", "2025-03-31")]
    [InlineData("2025-03-05", "3wd", "2025-03-10")]
    [InlineData("2025-03-03", "10d", "2025-03-13")]
    [InlineData("2025-03-03", "20d", "2025-03-24")]
    [InlineData("2025-03-03", "2w", "2025-03-17")]
    [InlineData("2025-03-03", "3mo", "2025-06-03")]
    [InlineData("2025-01-31", "1mo", "2025-02-28")]
    [InlineData("2025-04-05", "1mo", "2025-05-05")]
    [InlineData("2025-06-05", "-20wd", "2025-05-08")]
    [InlineData("2025-06-03", "-30d", "2025-05-02")]
    public void Due_dates_count_working_days_or_calendar_spans_that_roll_off_a_day_off(string start, string span, string expected)
    {
        Assert.Equal(Calendars.Day(expected), Shanghai().DueDateAfter(Calendars.Day(start), Span(span)));
    }

    [Fact]
    public void A_calendar_span_ending_in_a_holiday_rolls_to_the_next_working_day()
    {
        var clock = Shanghai(Calendars.NationalDay2025());

        Assert.Equal(new DateOnly(2025, 10, 9), clock.DueDateAfter(new DateOnly(2025, 9, 17), Span("2w")));
        Assert.Equal(new DateOnly(2025, 10, 9), clock.DueDateAfter(new DateOnly(2025, 7, 4), Span("3mo")));
        Assert.Equal(new DateOnly(2025, 10, 9), clock.DueDateAfter(new DateOnly(2025, 9, 24), Span("8d")));
    }

    [Fact]
    public void A_calendar_span_ending_on_a_make_up_saturday_stays_there()
    {
        Assert.Equal(new DateOnly(2025, 10, 11), Shanghai(Calendars.NationalDay2025()).DueDateAfter(new DateOnly(2025, 10, 4), Span("7d")));
    }

    [Fact]
    public void A_backward_calendar_span_ending_in_a_holiday_rolls_back_to_the_last_working_day()
    {
        Assert.Equal(new DateOnly(2025, 9, 30), Shanghai(Calendars.NationalDay2025()).DueDateAfter(new DateOnly(2025, 10, 9), Span("-7d")));
    }

    [Fact]
    public void Working_day_spans_use_the_holiday_calendar()
    {
        // 30 Sep, 9 and 10 Oct, the make-up Saturday 11 Oct, then Monday 13 Oct.
        Assert.Equal(new DateOnly(2025, 10, 13), Shanghai(Calendars.NationalDay2025()).DueDateAfter(new DateOnly(2025, 9, 29), Span("5wd")));
    }

    [Fact]
    public void Nothing_is_overdue_until_the_due_date_has_ended_locally()
    {
        var clock = Shanghai();
        var due = new DateOnly(2025, 3, 31);

        Assert.Equal(0, clock.WorkingDaysOverdue(due, new DateTimeOffset(2025, 3, 31, 23, 59, 0, TimeSpan.FromHours(8))));
        Assert.Equal(1, clock.WorkingDaysOverdue(due, new DateTimeOffset(2025, 4, 1, 0, 0, 0, TimeSpan.FromHours(8))));
        Assert.Equal(1, clock.WorkingDaysOverdue(due, new DateTimeOffset(2025, 3, 31, 16, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void The_weekend_after_a_friday_deadline_is_not_yet_overdue_in_working_days()
    {
        var clock = Shanghai();
        var friday = new DateOnly(2025, 3, 28);

        Assert.Equal(0, clock.WorkingDaysOverdue(friday, new DateTimeOffset(2025, 3, 29, 10, 0, 0, TimeSpan.FromHours(8))));
        Assert.Equal(0, clock.WorkingDaysOverdue(friday, new DateTimeOffset(2025, 3, 30, 10, 0, 0, TimeSpan.FromHours(8))));
        Assert.Equal(1, clock.WorkingDaysOverdue(friday, new DateTimeOffset(2025, 3, 31, 10, 0, 0, TimeSpan.FromHours(8))));
        Assert.Equal(5, clock.WorkingDaysOverdue(friday, new DateTimeOffset(2025, 4, 4, 10, 0, 0, TimeSpan.FromHours(8))));
    }

    [Fact]
    public void Holidays_do_not_count_as_days_overdue()
    {
        var clock = Shanghai(Calendars.NationalDay2025());

        Assert.Equal(1, clock.WorkingDaysOverdue(new DateOnly(2025, 9, 30), new DateTimeOffset(2025, 10, 9, 10, 0, 0, TimeSpan.FromHours(8))));
    }
}
