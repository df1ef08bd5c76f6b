namespace Proposals.Engine.Calendar;

/// <summary>
/// Turns dates and durations into instants in one organisation's time zone. A due date is a whole
/// local day: the item becomes overdue at the start of the next day. Reminders go out at the start
/// of the local working morning so that nobody is woken at midnight.
/// </summary>
public sealed class DeadlineClock
{
    private static readonly TimeOnly ReminderTime = new(9, 0);

    public DeadlineClock(WorkingCalendar calendar, TimeZoneInfo timeZone)
    {
        Calendar = calendar;
        TimeZone = timeZone;
    }

    public WorkingCalendar Calendar { get; }

    public TimeZoneInfo TimeZone { get; }

    /// <summary>The local date of an instant.</summary>
    public DateOnly LocalDate(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, TimeZone).DateTime);

    /// <summary>The due date <paramref name="duration"/> after <paramref name="start"/>. Calendar-day spans that end on a day off move to the next working day, as regulations count them.</summary>
    public DateOnly DueDateAfter(DateOnly start, Duration duration) => duration.Unit switch
    {
        DurationUnit.WorkingDays => Calendar.AddWorkingDays(start, duration.Amount),
        DurationUnit.Days => Roll(start.AddDays(duration.Amount), duration.Amount),
        DurationUnit.Weeks => Roll(start.AddDays(7 * duration.Amount), duration.Amount),
        _ => Roll(start.AddMonths(duration.Amount), duration.Amount),
    };

    private DateOnly Roll(DateOnly date, int direction)
    {
        if (direction >= 0)
        {
            return Calendar.OnOrNextWorkingDay(date);
        }
        while (!Calendar.IsWorkingDay(date))
        {
            date = date.AddDays(-1);
        }
        return date;
    }

    /// <summary>The instant an item due on <paramref name="dueDate"/> becomes overdue: the start of the next local day.</summary>
    public DateTimeOffset OverdueAt(DateOnly dueDate) => StartOfLocalDay(dueDate.AddDays(1));

    /// <summary>The instant a reminder for <paramref name="date"/> is sent.</summary>
    public DateTimeOffset ReminderAt(DateOnly date) => LocalInstant(date, ReminderTime);

    /// <summary>The instant a local day begins.</summary>
    public DateTimeOffset StartOfLocalDay(DateOnly date) => LocalInstant(date, TimeOnly.MinValue);

    private DateTimeOffset LocalInstant(DateOnly date, TimeOnly time)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        var offset = TimeZone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    /// <summary>Working days an item due on <paramref name="dueDate"/> is late at <paramref name="now"/>: zero when not late, and also on the weekend right after a Friday deadline.</summary>
    public int WorkingDaysOverdue(DateOnly dueDate, DateTimeOffset now) =>
        now < OverdueAt(dueDate) ? 0 : Calendar.WorkingDaysBetween(dueDate, LocalDate(now));
}
