namespace Proposals.Engine.Calendar;

/// <summary>A day whose working status differs from the weekday rule: a public holiday or a make-up working day (调休).</summary>
public sealed record CalendarDay(DateOnly Date, bool IsWorkingDay, string? Note);

/// <summary>Weekends off, weekdays on, unless the administrator's table says otherwise for a date.</summary>
public sealed class WorkingCalendar
{
    private readonly Dictionary<DateOnly, bool> _overrides;

    public WorkingCalendar(IEnumerable<CalendarDay> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        _overrides = [];
        foreach (var day in overrides)
        {
            _overrides[day.Date] = day.IsWorkingDay;
        }
    }

    /// <summary>A calendar with only the weekend rule.</summary>
    public static WorkingCalendar WeekendsOnly { get; } = new([]);

    /// <summary>Whether people work on this date.</summary>
    public bool IsWorkingDay(DateOnly date) =>
        _overrides.TryGetValue(date, out var working)
            ? working
            : date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);

    /// <summary>The date <paramref name="count"/> working days after (or, when negative, before) <paramref name="start"/>; the start itself is not counted.</summary>
    public DateOnly AddWorkingDays(DateOnly start, int count)
    {
        var step = count >= 0 ? 1 : -1;
        var remaining = Math.Abs(count);
        var date = start;
        while (remaining > 0)
        {
            date = date.AddDays(step);
            if (IsWorkingDay(date))
            {
                remaining--;
            }
        }
        return date;
    }

    /// <summary>The first working day on or after <paramref name="date"/>.</summary>
    public DateOnly OnOrNextWorkingDay(DateOnly date)
    {
        while (!IsWorkingDay(date))
        {
            date = date.AddDays(1);
        }
        return date;
    }

    /// <summary>Working days in the half-open range (<paramref name="from"/>, <paramref name="to"/>]; zero when <paramref name="to"/> is not later.</summary>
    public int WorkingDaysBetween(DateOnly from, DateOnly to)
    {
        var count = 0;
        for (var date = from.AddDays(1); date <= to; date = date.AddDays(1))
        {
            if (IsWorkingDay(date))
            {
                count++;
            }
        }
        return count;
    }
}
