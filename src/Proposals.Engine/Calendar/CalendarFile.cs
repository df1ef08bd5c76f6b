using System.Globalization;

namespace Proposals.Engine.Calendar;

/// <summary>The outcome of reading a calendar file: its days, or every line that is wrong.</summary>
public sealed record CalendarFileResult(IReadOnlyList<CalendarDay> Days, IReadOnlyList<string> Errors)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// Reads a year's public holidays and make-up working days from the plain file an administrator keeps:
/// one day a line, <c>date,kind,note</c>, with <c>kind</c> either <c>holiday</c> or <c>workday</c>;
/// a header line <c>date,kind,note</c> and lines starting with <c>#</c> are skipped.
/// </summary>
public static class CalendarFile
{
    public const int MaxNoteLength = 100;

    public static CalendarFileResult Parse(string fileName, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var days = new List<CalendarDay>();
        var errors = new List<string>();
        var seen = new Dictionary<DateOnly, int>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var number = i + 1;
            var line = lines[i].Trim().TrimStart('\uFEFF');
            if (line.Length == 0 || line.StartsWith('#') || line.Equals("date,kind,note", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var parts = line.Split(',', 3);
            if (parts.Length < 2)
            {
                errors.Add($"{fileName}:{number}: expected date,kind,note but found '{line}'");
                continue;
            }
            if (!CalendarDates.TryParse(parts[0].Trim(), out var date))
            {
                errors.Add($"{fileName}:{number}: '{parts[0].Trim()}' is not a date yyyy-MM-dd between 2000 and 2100");
                continue;
            }
            bool working;
            switch (parts[1].Trim().ToLowerInvariant())
            {
                case "holiday":
                    working = false;
                    break;
                case "workday":
                    working = true;
                    break;
                default:
                    errors.Add($"{fileName}:{number}: kind '{parts[1].Trim()}' is neither holiday nor workday");
                    continue;
            }
            var note = parts.Length > 2 ? parts[2].Trim() : null;
            if (note is { Length: > MaxNoteLength })
            {
                errors.Add($"{fileName}:{number}: the note is longer than {MaxNoteLength} characters");
                continue;
            }
            if (seen.TryGetValue(date, out var first))
            {
                errors.Add($"{fileName}:{number}: {date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} is already given on line {first}");
                continue;
            }
            seen[date] = number;
            days.Add(new CalendarDay(date, working, string.IsNullOrEmpty(note) ? null : note));
        }
        if (days.Count == 0 && errors.Count == 0)
        {
            errors.Add($"{fileName}: no days in the file");
        }
        return new CalendarFileResult(errors.Count == 0 ? days : [], errors);
    }
}
