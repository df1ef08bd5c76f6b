using System.Globalization;

namespace Proposals.Engine.Calendar;

/// <summary>
/// Dates as people write them in requests: <c>yyyy-MM-dd</c>, between 2000 and 2100. The bound keeps deadline
/// arithmetic (a day after, months after) far from the calendar's end, and no real deadline lies outside it.
/// </summary>
public static class CalendarDates
{
    public static DateOnly Earliest { get; } = new(2000, 1, 1);

    public static DateOnly Latest { get; } = new(2100, 12, 31);

    /// <summary>What a date field must look like, for error messages.</summary>
    public const string Expectation = "日期格式应为 yyyy-MM-dd，且在 2000-01-01 到 2100-12-31 之间";

    /// <summary>Parses a request date, refusing other formats and dates outside <see cref="Earliest"/>–<see cref="Latest"/>.</summary>
    public static bool TryParse(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date)
        && date >= Earliest && date <= Latest;
}
