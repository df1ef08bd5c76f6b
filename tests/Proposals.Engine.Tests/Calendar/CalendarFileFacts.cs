using Proposals.Engine.Calendar;

namespace Proposals.Engine.Tests.Calendar;

public sealed class CalendarFileFacts
{
    private static string Shipped() => RepositoryFiles.Calendar2026();

    [Fact]
    public void The_shipped_2026_calendar_reads_as_33_holidays_and_6_make_up_working_days()
    {
        var result = CalendarFile.Parse("cn-2026.csv", Shipped());
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Equal(33, result.Days.Count(d => !d.IsWorkingDay));
        Assert.Equal(
            [new DateOnly(2026, 1, 4), new DateOnly(2026, 2, 14), new DateOnly(2026, 2, 28), new DateOnly(2026, 5, 9), new DateOnly(2026, 9, 20), new DateOnly(2026, 10, 10)],
            result.Days.Where(d => d.IsWorkingDay).Select(d => d.Date));
        Assert.All(result.Days.Where(d => d.IsWorkingDay), d => Assert.True(d.Date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday));
    }

    [Fact]
    public void Working_days_counted_on_the_shipped_calendar_skip_the_spring_festival_and_use_its_make_up_saturday()
    {
        var calendar = new WorkingCalendar(CalendarFile.Parse("cn-2026.csv", Shipped()).Days);
        Assert.Equal(new DateOnly(2026, 2, 14), calendar.AddWorkingDays(new DateOnly(2026, 2, 13), 1));
        Assert.Equal(new DateOnly(2026, 2, 24), calendar.AddWorkingDays(new DateOnly(2026, 2, 13), 2));
        Assert.Equal(new DateOnly(2026, 10, 9), calendar.AddWorkingDays(new DateOnly(2026, 9, 30), 2));
        Assert.Equal(new DateOnly(2026, 10, 10), calendar.AddWorkingDays(new DateOnly(2026, 9, 30), 3));
    }

    [Fact]
    public void Every_bad_line_is_named_by_its_number_and_nothing_is_returned()
    {
        var text = """
            date,kind,note
            2026-01-01,holiday,元旦
            2026-13-01,holiday,no such month
            2026-01-02,vacation,wrong kind
            just one field
            2026-01-01,workday,again
            """;
        var result = CalendarFile.Parse("bad.csv", text);
        Assert.Empty(result.Days);
        Assert.Equal(
        [
            "bad.csv:3: '2026-13-01' is not a date yyyy-MM-dd between 2000 and 2100",
            "bad.csv:4: kind 'vacation' is neither holiday nor workday",
            "bad.csv:5: expected date,kind,note but found 'just one field'",
            "bad.csv:6: 2026-01-01 is already given on line 2",
        ], result.Errors);
    }

    [Fact]
    public void An_empty_file_is_refused()
    {
        Assert.Equal(["empty.csv: no days in the file"], CalendarFile.Parse("empty.csv", "# nothing\n\n").Errors);
    }
}
