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
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<CalendarDay>>, ProblemHttpResult>> ListAsync(string? year, CalendarStore calendar, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var parsed = QueryParsing.Int(year, "year", 2000, 2100, errors) ?? time.GetUtcNow().Year;
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
}
