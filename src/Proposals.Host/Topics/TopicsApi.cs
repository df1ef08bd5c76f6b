using Microsoft.AspNetCore.Http.HttpResults;
using Proposals.Data.Organizations;
using Proposals.Data.Topics;
using Proposals.Engine.Calendar;
using Proposals.Engine.Definitions;
using Proposals.Engine.Execution;
using Proposals.Host.Auth;
using Proposals.Host.Http;
using Proposals.Host.Proposals;

namespace Proposals.Host.Topics;

/// <summary>Research topics (党委出题): the committee sets them, parties claim or are assigned them.</summary>
internal static class TopicsApi
{
    public const int TitleLimit = 200;
    public const int DescriptionLimit = 4000;

    public sealed record CreateTopicRequest(string? Title, string? Description, int? Year, string? ResearchDeadline, IReadOnlyList<long>? AssignedPartyIds);

    public sealed record TopicPartyView(OrganizationRef Organization, string How, DateTimeOffset At);

    public sealed record TopicView(long Id, string Title, string Description, int Year, DateOnly ResearchDeadline, string State, bool OpenForClaiming, IReadOnlyList<TopicPartyView> Parties, DateTimeOffset CreatedAt);

    public static IEndpointRouteBuilder MapTopicsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/topics").WithTags("Topics");
        group.MapPost("/", CreateEndpointAsync);
        group.MapGet("/", ListEndpointAsync);
        group.MapGet("/{id:long}", GetAsync);
        group.MapPost("/{id:long}/claim", ClaimEndpointAsync);
        group.MapPost("/{id:long}/close", CloseEndpointAsync);
        return app;
    }

    private static async Task<Results<Created<TopicView>, ProblemHttpResult>> CreateEndpointAsync(
        HttpContext http, TopicStore topics, EngineContextFactory contexts, CancellationToken cancellationToken)
    {
        var caller = Caller.From(http.User);
        if (!caller.IsIn(Roles.Committee))
        {
            return Problems.Forbidden("只有党委统战部可以发布课题");
        }
        var (body, problem) = await JsonBody.ReadAsync<CreateTopicRequest>(http.Request, ApiJson.Options, cancellationToken);
        return problem ?? await CreateAsync(caller, body!, topics, contexts, cancellationToken);
    }

    /// <summary>Publishes a topic for the committee, or says what is wrong with it (the pages' form and the API alike).</summary>
    public static async Task<Results<Created<TopicView>, ProblemHttpResult>> CreateAsync(
        Caller caller, CreateTopicRequest body, TopicStore topics, EngineContextFactory contexts, CancellationToken cancellationToken)
    {
        if (!caller.IsIn(Roles.Committee))
        {
            return Problems.Forbidden("只有党委统战部可以发布课题");
        }
        var context = await contexts.CreateAsync(cancellationToken);
        var today = context.ClockFor(caller.OrganizationId).LocalDate(context.Now);
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(body.Title))
        {
            errors["title"] = ["必须填写课题名称"];
        }
        else if (body.Title.Length > TitleLimit)
        {
            errors["title"] = [$"课题名称过长：最多 {TitleLimit} 字，实际 {body.Title.Length} 字"];
        }
        if (body.Description is { Length: > DescriptionLimit })
        {
            errors["description"] = [$"课题背景过长：最多 {DescriptionLimit} 字"];
        }
        if (body.Year is not (>= 2000 and <= 2100))
        {
            errors["year"] = ["year 应为 2000 到 2100 之间的年份"];
        }
        DateOnly deadline = default;
        if (!CalendarDates.TryParse(body.ResearchDeadline, out deadline))
        {
            errors["researchDeadline"] = [$"必须填写调研截止日期：{CalendarDates.Expectation}"];
        }
        else if (deadline <= today)
        {
            errors["researchDeadline"] = [$"调研截止日期应晚于今天（{today:yyyy-MM-dd}）"];
        }
        var parties = body.AssignedPartyIds ?? [];
        for (var i = 0; i < parties.Count; i++)
        {
            if (!context.Organizations.TryGetValue(parties[i], out var org) || org.Kind != OrganizationKind.Party || !org.Active)
            {
                errors[$"assignedPartyIds[{i}]"] = [$"{parties[i]} 不是在册的民主党派"];
            }
        }
        if (parties.Distinct().Count() != parties.Count)
        {
            errors["assignedPartyIds"] = ["指定的党派有重复"];
        }
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }
        var id = await topics.CreateAsync(body.Title!.Trim(), body.Description?.Trim() ?? "", body.Year!.Value, deadline, parties, caller.UserId, context.Now, cancellationToken);
        var topic = await topics.FindAsync(id, cancellationToken);
        return TypedResults.Created($"/api/topics/{id}", View(topic!, context));
    }

    private static async Task<Results<Ok<List<TopicView>>, ProblemHttpResult>> ListEndpointAsync(string? year, TopicStore topics, EngineContextFactory contexts, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var parsedYear = QueryParsing.Int(year, "year", 2000, 2100, errors);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }
        return TypedResults.Ok(await ListAsync(parsedYear, topics, contexts, cancellationToken));
    }

    public static async Task<List<TopicView>> ListAsync(int? year, TopicStore topics, EngineContextFactory contexts, CancellationToken cancellationToken)
    {
        var context = await contexts.CreateAsync(cancellationToken);
        return (await topics.ListAsync(year, cancellationToken)).Select(t => View(t, context)).ToList();
    }

    private static async Task<Results<Ok<TopicView>, ProblemHttpResult>> GetAsync(long id, TopicStore topics, EngineContextFactory contexts, CancellationToken cancellationToken)
    {
        var topic = await topics.FindAsync(id, cancellationToken);
        return topic is null ? Problems.NotFound($"课题 {id} 不存在") : TypedResults.Ok(View(topic, await contexts.CreateAsync(cancellationToken)));
    }

    private static Task<Results<Ok<TopicView>, ProblemHttpResult>> ClaimEndpointAsync(long id, HttpContext http, TopicStore topics, EngineContextFactory contexts, CancellationToken cancellationToken) =>
        ClaimAsync(id, Caller.From(http.User), topics, contexts, cancellationToken);

    public static async Task<Results<Ok<TopicView>, ProblemHttpResult>> ClaimAsync(long id, Caller caller, TopicStore topics, EngineContextFactory contexts, CancellationToken cancellationToken)
    {
        if (caller.OrganizationKind != OrganizationKind.Party || !caller.IsIn(Roles.PartyAdmin))
        {
            return Problems.Forbidden("只有民主党派的管理员可以认领课题");
        }
        var context = await contexts.CreateAsync(cancellationToken);
        var refusal = await topics.ClaimAsync(id, caller.OrganizationId, context.ClockFor(caller.OrganizationId).LocalDate(context.Now), context.Now, cancellationToken);
        return refusal switch
        {
            ClaimRefusal.NotFound => Problems.NotFound($"课题 {id} 不存在"),
            ClaimRefusal.Closed => Problems.Unprocessable("课题已关闭", "课题已关闭或已过调研截止日期，不能再认领"),
            ClaimRefusal.NotOpenForClaiming => Problems.Unprocessable("课题不开放认领", "此课题已由党委指定给特定党派，不开放认领"),
            ClaimRefusal.AlreadyClaimed => Problems.Unprocessable("已认领", "本党派已认领或被指定此课题"),
            _ => TypedResults.Ok(View((await topics.FindAsync(id, cancellationToken))!, context)),
        };
    }

    private static Task<Results<Ok<TopicView>, ProblemHttpResult>> CloseEndpointAsync(long id, HttpContext http, TopicStore topics, EngineContextFactory contexts, TimeProvider time, CancellationToken cancellationToken) =>
        CloseAsync(id, Caller.From(http.User), topics, contexts, time, cancellationToken);

    public static async Task<Results<Ok<TopicView>, ProblemHttpResult>> CloseAsync(long id, Caller caller, TopicStore topics, EngineContextFactory contexts, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!caller.IsIn(Roles.Committee))
        {
            return Problems.Forbidden("只有党委统战部可以关闭课题");
        }
        if (await topics.FindAsync(id, cancellationToken) is null)
        {
            return Problems.NotFound($"课题 {id} 不存在");
        }
        if (!await topics.CloseAsync(id, time.GetUtcNow(), cancellationToken))
        {
            return Problems.Unprocessable("课题已关闭", $"课题 {id} 已经关闭");
        }
        return TypedResults.Ok(View((await topics.FindAsync(id, cancellationToken))!, await contexts.CreateAsync(cancellationToken)));
    }

    private static TopicView View(Topic topic, EngineContext context) =>
        new(topic.Id, topic.Title, topic.Description, topic.Year, topic.ResearchDeadline, topic.State, topic.OpenForClaiming,
            topic.Parties.Select(p => new TopicPartyView(ProposalViews.Organization(context, p.OrganizationId), p.How, p.At)).ToList(), topic.CreatedAt);
}
