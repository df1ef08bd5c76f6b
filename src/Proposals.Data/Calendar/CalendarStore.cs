using Dapper;
using Proposals.Engine.Calendar;

namespace Proposals.Data.Calendar;

/// <summary>A loaded year of the calendar: how many public holidays and make-up working days it has.</summary>
public sealed record CalendarYear(int Year, int Holidays, int Workdays);

/// <summary>The administrator's table of public holidays and make-up working days.</summary>
public sealed class CalendarStore(Database database)
{
    private sealed class Row
    {
        public DateOnly Day { get; init; }
        public bool IsWorkingDay { get; init; }
        public string? Note { get; init; }
    }

    public async Task<WorkingCalendar> LoadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            "SELECT day AS Day, is_working_day AS IsWorkingDay, note AS Note FROM calendar_days", cancellationToken: cancellationToken));
        return new WorkingCalendar(rows.Select(r => new CalendarDay(r.Day, r.IsWorkingDay, r.Note)));
    }

    public async Task<IReadOnlyList<CalendarDay>> ListAsync(int year, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            "SELECT day AS Day, is_working_day AS IsWorkingDay, note AS Note FROM calendar_days WHERE day >= @from AND day < @to ORDER BY day",
            new { from = new DateOnly(year, 1, 1), to = new DateOnly(year + 1, 1, 1) }, cancellationToken: cancellationToken));
        return rows.Select(r => new CalendarDay(r.Day, r.IsWorkingDay, r.Note)).ToList();
    }

    /// <summary>The years with at least one day loaded, oldest first. A year is covered once any of its days is in the table.</summary>
    public async Task<IReadOnlyList<CalendarYear>> YearsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // A few dozen rows a year: grouped here rather than with each database's own spelling of "the year of a date".
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            "SELECT day AS Day, is_working_day AS IsWorkingDay, note AS Note FROM calendar_days", cancellationToken: cancellationToken));
        return rows.GroupBy(r => r.Day.Year).OrderBy(g => g.Key)
            .Select(g => new CalendarYear(g.Key, g.Count(r => !r.IsWorkingDay), g.Count(r => r.IsWorkingDay))).ToList();
    }

    /// <summary>Sets the working status of days, replacing what was there for the same dates.</summary>
    public async Task SaveAsync(IReadOnlyList<CalendarDay> days, CancellationToken cancellationToken)
    {
        await database.InTransactionAsync(async (connection, transaction) =>
        {
            foreach (var day in days)
            {
                await connection.ExecuteAsync(new CommandDefinition("DELETE FROM calendar_days WHERE day = @Date", new { day.Date }, transaction, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO calendar_days (day, is_working_day, note) VALUES (@Date, @IsWorkingDay, @Note)",
                    new { day.Date, day.IsWorkingDay, day.Note }, transaction, cancellationToken: cancellationToken));
            }
            return days.Count;
        }, cancellationToken);
    }
}
