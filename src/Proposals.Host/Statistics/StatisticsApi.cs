using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Proposals.Data.Statistics;
using Proposals.Engine.Execution;
using Proposals.Host.Auth;
using Proposals.Host.Exports;
using Proposals.Host.Http;
using Proposals.Host.Proposals;

namespace Proposals.Host.Statistics;

/// <summary>The yearly figures (统计与考核) as JSON and as a workbook, kept to what the caller may see.</summary>
internal static class StatisticsApi
{
    public static IEndpointRouteBuilder MapStatisticsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/stats").WithTags("Statistics");
        group.MapGet("/", GetAsync);
        group.MapGet("/export.xlsx", ExportAsync);
        return app;
    }

    private static async Task<Results<Ok<StatsResponse>, ProblemHttpResult>> GetAsync(
        HttpContext http, StatisticsStore store, EngineContextFactory contexts,
        [FromQuery] string? year, [FromQuery] string? partyId, [FromQuery] string? departmentId, CancellationToken cancellationToken)
    {
        var (stats, problem) = await ForCallerAsync(Caller.From(http.User), year, partyId, departmentId, store, contexts, cancellationToken);
        return problem is not null ? problem : TypedResults.Ok(stats!);
    }

    private static async Task<IResult> ExportAsync(
        HttpContext http, StatisticsStore store, EngineContextFactory contexts,
        [FromQuery] string? year, [FromQuery] string? partyId, [FromQuery] string? departmentId, CancellationToken cancellationToken)
    {
        var (stats, problem) = await ForCallerAsync(Caller.From(http.User), year, partyId, departmentId, store, contexts, cancellationToken);
        return problem is not null ? problem : Workbook(stats!);
    }

    /// <summary>The figures as a workbook download.</summary>
    public static IResult Workbook(StatsResponse stats) =>
        TypedResults.File(Exports.Workbook.Write(ExportSheets.Statistics(stats)), Exports.Workbook.ContentType, ExportSheets.StatisticsFileName(stats));

    /// <summary>The figures the caller asked for, or why they may not have them.</summary>
    public static async Task<(StatsResponse? Stats, ProblemHttpResult? Problem)> ForCallerAsync(
        Caller caller, string? year, string? partyId, string? departmentId, StatisticsStore store, EngineContextFactory contexts, CancellationToken cancellationToken)
    {
        var context = await contexts.CreateAsync(cancellationToken);
        var (scope, problem) = Resolve(caller, year, partyId, departmentId, context);
        return problem is not null ? (null, problem) : (await ComputeAsync(scope!, store, context, cancellationToken), null);
    }

    public static async Task<StatsResponse> ComputeAsync(StatisticsScope scope, StatisticsStore store, EngineContext context, CancellationToken cancellationToken) =>
        YearFigures.Compute(scope, await store.LoadAsync(scope, context.Now, cancellationToken), context);

    /// <summary>
    /// The scope of the caller's figures: a party always sees its own, a department its own; the committee, the
    /// government, supervisors and administrators see everything and may narrow it to one party or department.
    /// The year defaults to the current one in the service's time zone.
    /// </summary>
    public static (StatisticsScope? Scope, ProblemHttpResult? Problem) Resolve(Caller caller, string? year, string? partyId, string? departmentId, EngineContext context)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(context);
        var errors = new Dictionary<string, string[]>();
        var parsedYear = QueryParsing.Int(year, "year", 2000, 2100, errors) ?? context.ClockFor(null).LocalDate(context.Now).Year;
        var party = OrganizationOfKind(partyId, "partyId", OrganizationKind.Party, "党派", context, errors);
        var department = OrganizationOfKind(departmentId, "departmentId", OrganizationKind.Department, "部门", context, errors);
        if (errors.Count > 0)
        {
            return (null, Problems.Validation(errors));
        }
        switch (caller.OrganizationKind)
        {
            case OrganizationKind.Party when party is not null && party != caller.OrganizationId:
                return (null, Problems.Forbidden("只能查看本党派的统计"));
            case OrganizationKind.Party:
                party = caller.OrganizationId;
                break;
            case OrganizationKind.Department when department is not null && department != caller.OrganizationId:
                return (null, Problems.Forbidden("只能查看本单位的统计"));
            case OrganizationKind.Department:
                department = caller.OrganizationId;
                break;
        }
        return (new StatisticsScope(parsedYear, party, department, IncludePartyOnly: caller.OrganizationKind == OrganizationKind.Party), null);
    }

    private static long? OrganizationOfKind(string? text, string name, OrganizationKind kind, string kindName, EngineContext context, Dictionary<string, string[]> errors)
    {
        if (QueryParsing.Long(text, name, errors) is not { } id)
        {
            return null;
        }
        if (!context.Organizations.TryGetValue(id, out var org) || org.Kind != kind)
        {
            errors[name] = [$"没有编号为 {id} 的{kindName}"];
            return null;
        }
        return id;
    }
}
