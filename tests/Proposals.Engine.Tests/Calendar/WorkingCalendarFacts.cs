using Proposals.Engine.Calendar;

namespace Proposals.Engine.Tests.Calendar;

public class WorkingCalendarFacts
{
    [Fact]
    public void Weekdays_are_working_days_and_weekends_are_not()
    {
        var calendar = WorkingCalendar.WeekendsOnly;

        Assert.True(calendar.IsWorkingDay(new DateOnly(2025, 3, 7)));
        Assert.False(calendar.IsWorkingDay(new DateOnly(2025, 3, 8)));
        Assert.False(calendar.IsWorkingDay(new DateOnly(2025, 3, 9)));
    }

    [Fact]
    public void Overrides_beat_the_weekday_rule_both_ways()
    {
        var calendar = Calendars.NationalDay2025();

        Assert.False(calendar.IsWorkingDay(new DateOnly(2025, 10, 1)));
        Assert.True(calendar.IsWorkingDay(new DateOnly(2025, 9, 28)));
        Assert.True(calendar.IsWorkingDay(new DateOnly(2025, 10, 11)));
    }

    [Theory]
    [InlineData("2025-03-07", 1, "2025-03-10")]
    [InlineData("2025-03-06", 3, "2025-03-11")]
    [InlineData("2025-03-03", 20, "2025-03-31")]
    [InlineData("2025-03-08", 1, "2025-03-10")]
    public void Adding_working_days_skips_the_weekend_and_does_not_count_the_start(string start, int count, string expected)
    {
        Assert.Equal(Calendars.Day(expected), WorkingCalendar.WeekendsOnly.AddWorkingDays(Calendars.Day(start), count));
    }

    [Fact]
    public void Adding_zero_working_days_keeps_the_start_even_on_a_day_off()
    {
        var saturday = new DateOnly(2025, 3, 8);

        Assert.Equal(saturday, WorkingCalendar.WeekendsOnly.AddWorkingDays(saturday, 0));
    }

    [Fact]
    public void Adding_working_days_skips_a_public_holiday()
    {
        var calendar = Calendars.NationalDay2025();

        Assert.Equal(new DateOnly(2025, 10, 9), calendar.AddWorkingDays(new DateOnly(2025, 9, 30), 1));
        Assert.Equal(new DateOnly(2025, 10, 10), calendar.AddWorkingDays(new DateOnly(2025, 9, 30), 2));
    }

    [Fact]
    public void Adding_working_days_counts_a_make_up_weekend_day()
    {
        var calendar = Calendars.NationalDay2025();

        Assert.Equal(new DateOnly(2025, 9, 28), calendar.AddWorkingDays(new DateOnly(2025, 9, 26), 1));
        Assert.Equal(new DateOnly(2025, 10, 11), calendar.AddWorkingDays(new DateOnly(2025, 10, 10), 1));
        Assert.Equal(new DateOnly(2025, 10, 13), WorkingCalendar.WeekendsOnly.AddWorkingDays(new DateOnly(2025, 10, 10), 1));
    }

    [Theory]
    [InlineData("2025-03-10", -1, "2025-03-07")]
    [InlineData("2025-03-31", -20, "2025-03-03")]
    [InlineData("2025-03-09", -1, "2025-03-07")]
    public void Negative_counts_go_back_over_the_weekend(string start, int count, string expected)
    {
        Assert.Equal(Calendars.Day(expected), WorkingCalendar.WeekendsOnly.AddWorkingDays(Calendars.Day(start), count));
    }

    [Fact]
    public void Negative_counts_go_back_over_a_holiday_and_stop_on_a_make_up_day()
    {
        var calendar = Calendars.NationalDay2025();

        Assert.Equal(new DateOnly(2025, 9, 30), calendar.AddWorkingDays(new DateOnly(2025, 10, 9), -1));
        Assert.Equal(new DateOnly(2025, 9, 28), calendar.AddWorkingDays(new DateOnly(2025, 9, 29), -1));
    }

    [Fact]
    public void The_next_working_day_of_a_working_day_is_itself()
    {
        var calendar = Calendars.NationalDay2025();

        Assert.Equal(new DateOnly(2025, 9, 30), calendar.OnOrNextWorkingDay(new DateOnly(2025, 9, 30)));
        Assert.Equal(new DateOnly(2025, 10, 9), calendar.OnOrNextWorkingDay(new DateOnly(2025, 10, 1)));
        Assert.Equal(new DateOnly(2025, 3, 10), WorkingCalendar.WeekendsOnly.OnOrNextWorkingDay(new DateOnly(2025, 3, 8)));
    }

    [Theory]
    [InlineData("2025-03-07", "2025-03-10", 1)]
    [InlineData("2025-03-07", "2025-03-09", 0)]
    [InlineData("2025-03-03", "2025-03-31", 20)]
    [InlineData("2025-03-03", "2025-03-03", 0)]
    [InlineData("2025-03-10", "2025-03-03", 0)]
    public void Working_days_between_counts_the_end_but_not_the_start(string from, string to, int expected)
    {
        Assert.Equal(expected, WorkingCalendar.WeekendsOnly.WorkingDaysBetween(Calendars.Day(from), Calendars.Day(to)));
    }

    [Fact]
    public void Working_days_between_leaves_out_holidays_and_counts_make_up_days()
    {
        // 28 Sep (make-up), 29, 30 Sep, 9, 10 Oct and 11 Oct (make-up).
        Assert.Equal(6, Calendars.NationalDay2025().WorkingDaysBetween(new DateOnly(2025, 9, 26), new DateOnly(2025, 10, 12)));
    }

    [Fact]
    public void A_later_override_of_the_same_date_wins()
    {
        var date = new DateOnly(2025, 10, 1);
        var calendar = new WorkingCalendar([new CalendarDay(date, false, "假日"), new CalendarDay(date, true, "改为上班")]);

        Assert.True(calendar.IsWorkingDay(date));
    }
}
