using System.Globalization;
using Proposals.Engine.Calendar;

namespace Proposals.Engine.Tests.Calendar;

/// <summary>Calendars and dates the calendar tests share; each call builds a fresh one.</summary>
internal static class Calendars
{
    /// <summary>China's 2025 National Day holiday: 1–8 October off, Sunday 28 September and Saturday 11 October worked instead (调休).</summary>
    public static WorkingCalendar NationalDay2025() => new(
        Enumerable.Range(1, 8).Select(day => new CalendarDay(new DateOnly(2025, 10, day), false, "国庆节、中秋节"))
            .Append(new CalendarDay(new DateOnly(2025, 9, 28), true, "调休上班"))
            .Append(new CalendarDay(new DateOnly(2025, 10, 11), true, "调休上班")));

    /// <summary>A date written yyyy-MM-dd, as theory data spells it.</summary>
    public static DateOnly Day(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
