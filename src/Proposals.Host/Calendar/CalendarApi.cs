using Microsoft.AspNetCore.Http.HttpResults;
using Proposals.Data.Calendar;
using Proposals.Engine.Calendar;
using Proposals.Engine.Definitions;
using Proposals.Host.Auth;
using Proposals.Host.Http;
using Proposals.Host.Proposals;

namespace Proposals.Host.Calendar;

/// <summary>The working-day calendar: public holidays and make-up working days, kept by the administrator.</summary>
internal static class CalendarApi
{
    public sealed record DayRequest(string? Date, bool? IsWorkingDay, string? Note);

    public sealed record DaysRequest(IReadOnlyList<DayRequest>? Days);

    public static IEndpointRouteBuilder MapCalendarApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/calendar").WithTags("Calendar");
        group.MapGet("/", ListAsync);
        group.MapPut("/days", SaveAsync);
        group.MapPost("/import", ImportAsync);
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<CalendarDay>>, ProblemHttpResult>> ListAsync(string? year, CalendarStore calendar, Time.ServiceTimeZone zone, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var parsed = QueryParsing.Int(year, "year", 2000, 2100, errors) ?? zone.CurrentYear;
        return errors.Count > 0 ? Problems.Validation(errors) : TypedResults.Ok(await calendar.ListAsync(parsed, cancellationToken));
    }

    private static async Task<Results<Ok<IReadOnlyList<CalendarDay>>, ProblemHttpResult>> SaveAsync(HttpContext http, CalendarStore calendar, CancellationToken cancellationToken)
    {
        if (!Caller.From(http.User).IsIn(Roles.Admin))
        {
            return Problems.Forbidden("只有系统管理员可以维护工作日历");
        }
        var (body, problem) = await JsonBody.ReadAsync<DaysRequest>(http.Request, ApiJson.Options, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        if (body!.Days is not { Count: > 0 and <= 1000 } days)
        {
            return Problems.Validation("days", "days 应为 1 到 1000 个日期");
        }
        var errors = new Dictionary<string, string[]>();
        var parsed = new List<CalendarDay>();
        for (var i = 0; i < days.Count; i++)
        {
            if (!CalendarDates.TryParse(days[i].Date, out var date))
            {
                errors[$"days[{i}].date"] = [CalendarDates.Expectation];
                continue;
            }
            if (days[i].IsWorkingDay is not { } working)
            {
                errors[$"days[{i}].isWorkingDay"] = ["必须说明是否为工作日"];
                continue;
            }
            if (days[i].Note is { Length: > 100 })
            {
                errors[$"days[{i}].note"] = ["备注最多 100 字"];
                continue;
            }
            parsed.Add(new CalendarDay(date, working, days[i].Note));
        }
        if (parsed.Select(d => d.Date).Distinct().Count() != parsed.Count)
        {
            errors["days"] = ["同一日期出现了多次"];
        }
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }
        await calendar.SaveAsync(parsed, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<CalendarDay>>(parsed);
    }

    public const int MaxImportBytes = 64 * 1024;

    /// <summary>What an import read, and how many open items had deadlines in its years counted again (none on a dry run).</summary>
    public sealed record ImportResponse(bool DryRun, int Days, int Holidays, int Workdays, DateOnly? From, DateOnly? To, int RecomputedItems = 0);

    /// <summary>Imports a calendar file (see db/calendars/) sent as text; with dryRun=true only checks it.</summary>
    private static async Task<Results<Ok<ImportResponse>, ProblemHttpResult>> ImportAsync(HttpContext http, string? dryRun, CalendarImport import, CancellationToken cancellationToken)
    {
        if (!Caller.From(http.User).IsIn(Roles.Admin))
        {
            return Problems.Forbidden("只有系统管理员可以导入工作日历");
        }
        var errors = new Dictionary<string, string[]>();
        var onlyCheck = QueryParsing.Bool(dryRun, "dryRun", errors) ?? false;
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }
        if (http.Request.ContentLength is > MaxImportBytes)
        {
            return TypedResults.Problem(detail: $"日历文件过大：最多 {MaxImportBytes} 字节", title: "请求体过大", statusCode: StatusCodes.Status413PayloadTooLarge);
        }
        using var reader = new StreamReader(http.Request.Body, System.Text.Encoding.UTF8);
        var buffer = new char[MaxImportBytes + 1];
        var read = await reader.ReadBlockAsync(buffer.AsMemory(), cancellationToken);
        if (read > MaxImportBytes)
        {
            return TypedResults.Problem(detail: $"日历文件过大：最多 {MaxImportBytes} 字节", title: "请求体过大", statusCode: StatusCodes.Status413PayloadTooLarge);
        }
        var parsed = CalendarFile.Parse("calendar", new string(buffer, 0, read));
        if (!parsed.IsValid)
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["file"] = parsed.Errors.ToArray() }, "日历文件有误，未导入任何日期");
        }
        var recomputed = onlyCheck ? 0 : await import.ImportAsync(parsed.Days, cancellationToken);
        return TypedResults.Ok(Summary(parsed.Days, onlyCheck) with { RecomputedItems = recomputed });
    }

    public static ImportResponse Summary(IReadOnlyList<CalendarDay> days, bool dryRun) =>
        new(dryRun, days.Count, days.Count(d => !d.IsWorkingDay), days.Count(d => d.IsWorkingDay),
            days.Count == 0 ? null : days.Min(d => d.Date), days.Count == 0 ? null : days.Max(d => d.Date));
}
