using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Proposals.Data;
using Proposals.Data.Proposals;
using Proposals.Data.Topics;
using Proposals.Engine.Definitions;
using Proposals.Engine.Execution;
using Proposals.Host.Auth;
using Proposals.Host.Http;
using Proposals.Host.Workflows;

namespace Proposals.Host.Proposals;

/// <summary>The body of an action request.</summary>
internal sealed record ActionRequest(int? Version, string? Comment, JsonObject? Data);

/// <summary>The body of a new draft.</summary>
internal sealed record CreateProposalRequest(long? TopicId, string? Title, string? Summary, string? Body);

/// <summary>Runs a caller's request through the engine and into one transaction, and answers as the API promises.</summary>
internal sealed class ProposalActions(
    ProposalStore proposals,
    TopicStore topics,
    WorkflowCatalog catalog,
    EngineContextFactory contexts,
    Data.Attachments.AttachmentStore attachments,
    Monitoring.ProposalsMetrics metrics,
    Database database)
{
    public const string ProposalWorkflowId = "proposal-chain";
    public const int MaxIdempotencyKeyLength = 200;

    public async Task<IResult> CreateAsync(Caller caller, CreateProposalRequest request, string? idempotencyKey, CancellationToken cancellationToken)
    {
        string? requestHash = null;
        if (idempotencyKey is not null)
        {
            if (idempotencyKey.Length is 0 or > MaxIdempotencyKeyLength)
            {
                return Problems.Validation("Idempotency-Key", $"Idempotency-Key 长度应在 1 到 {MaxIdempotencyKeyLength} 之间");
            }
            requestHash = HashText($"create\n{request.TopicId}\n{request.Title}\n{request.Summary}\n{request.Body}");
            if (await ReplayAsync(caller, null, idempotencyKey, requestHash, cancellationToken) is { } replay)
            {
                return replay;
            }
        }
        var definition = catalog.Latest(ProposalWorkflowId) ?? throw new InvalidOperationException("The proposal workflow is not published.");
        var context = await contexts.CreateAsync(cancellationToken);
        DateOnly? topicDeadline = null;
        var year = context.ClockFor(caller.OrganizationId).LocalDate(context.Now).Year;
        if (request.TopicId is { } topicId)
        {
            var topic = await topics.FindAsync(topicId, cancellationToken);
            if (topic is null)
            {
                return Problems.Validation("topicId", $"课题 {topicId} 不存在");
            }
            if (topic.Parties.All(p => p.OrganizationId != caller.OrganizationId))
            {
                return Problems.Validation("topicId", $"本党派没有认领或被指定课题“{topic.Title}”");
            }
            if (topic.State == "closed")
            {
                return Problems.Validation("topicId", $"课题“{topic.Title}”已关闭");
            }
            topicDeadline = topic.ResearchDeadline;
            year = topic.Year;
        }
        var outcome = WorkflowEngine.Start(definition, caller.Actor, new NewProposal(caller.OrganizationId, request.TopicId, topicDeadline, request.Title, request.Summary, request.Body), context);
        if (outcome.Refusal is { } refusal)
        {
            return Refuse(refusal);
        }
        var idempotency = idempotencyKey is null ? null : new IdempotencyRecord(caller.UserId, idempotencyKey, requestHash!, StatusCodes.Status201Created, "");
        var (answer, view) = Answer(definition, caller, context, idempotency);
        long id;
        try
        {
            (id, _) = await proposals.CreateAnsweredAsync(definition, outcome.Transition!, request.Summary?.Trim() ?? "", request.Body?.Trim() ?? "", year, context.Now, answer, cancellationToken);
        }
        catch (Exception ex) when (database.IsUniqueViolation(ex) && idempotencyKey is not null)
        {
            // The same key raced in on a parallel request and created the draft; answer as it was answered.
            return await ReplayAsync(caller, null, idempotencyKey, requestHash!, cancellationToken)
                ?? throw new InvalidOperationException("An idempotency key collided but its record cannot be read.", ex);
        }
        return TypedResults.Created($"/api/proposals/{id}", view.Value!);
    }

    /// <summary>A holder the answer is put in when the transaction makes it.</summary>
    private sealed class Answered
    {
        public ProposalView? Value { get; set; }
    }

    // The caller's answer is made inside the transaction from the item as it left it (and kept with the key there), so
    // that it never depends on a read after the commit, which a connection lost at that moment would turn into an error.
    private static (AnswerRule Rule, Answered View) Answer(WorkflowDefinition definition, Caller caller, EngineContext context, IdempotencyRecord? idempotency)
    {
        var answered = new Answered();
        var rule = new AnswerRule(item =>
        {
            answered.Value = ProposalViews.Detail(item.Record, item.OpenTasks, item.Attachments, definition, caller, context);
            return JsonSerializer.Serialize(answered.Value, ApiJson.Options);
        }, idempotency);
        return (rule, answered);
    }

    public Task<ProposalView?> ViewAsync(Caller caller, long id, CancellationToken cancellationToken) =>
        ViewAsync(caller, caller.Viewer, id, cancellationToken);

    /// <summary>
    /// The state an action of the caller's led to. The caller was entitled to act, so they see its outcome even when
    /// the action itself took the item out of their sight (a department returning an assignment).
    /// </summary>
    private Task<ProposalView?> OutcomeAsync(Caller caller, long id, CancellationToken cancellationToken) =>
        ViewAsync(caller, Viewer.Service, id, cancellationToken);

    private async Task<ProposalView?> ViewAsync(Caller caller, Viewer viewer, long id, CancellationToken cancellationToken)
    {
        var record = await proposals.FindAsync(id, viewer, cancellationToken);
        if (record is null)
        {
            return null;
        }
        var definition = await catalog.GetAsync(record.Instance.WorkflowId, record.Instance.WorkflowVersion, cancellationToken);
        var context = await contexts.CreateAsync(cancellationToken);
        var tasks = await proposals.OpenTasksAsync(id, cancellationToken);
        var files = await attachments.ListAsync(id, viewer, cancellationToken);
        return ProposalViews.Detail(record, tasks, files, definition, caller, context);
    }

    public async Task<IResult> ApplyAsync(Caller caller, long id, string actionId, ActionRequest request, string? idempotencyKey, CancellationToken cancellationToken)
    {
        string? requestHash = null;
        if (idempotencyKey is not null)
        {
            if (idempotencyKey.Length is 0 or > MaxIdempotencyKeyLength)
            {
                return Problems.Validation("Idempotency-Key", $"Idempotency-Key 长度应在 1 到 {MaxIdempotencyKeyLength} 之间");
            }
            requestHash = Hash(id, actionId, request);
            if (await ReplayAsync(caller, id, idempotencyKey, requestHash, cancellationToken) is { } replay)
            {
                return replay;
            }
        }

        // A refusal is answered only once the key is looked up again: a request with the same key may have committed
        // since the first look, and then its answer is this request's answer too.
        async Task<IResult> RefuseUnlessReplayedAsync(IResult refusal) =>
            idempotencyKey is not null && await ReplayAsync(caller, id, idempotencyKey, requestHash!, cancellationToken) is { } replay ? replay : refusal;

        var record = await proposals.FindAsync(id, caller.Viewer, cancellationToken);
        if (record is null)
        {
            return await RefuseUnlessReplayedAsync(Problems.NotFound($"提案 {id} 不存在，或不属于本单位"));
        }
        if (request.Version is not { } version)
        {
            return Problems.Validation("version", "必须提供 version（提案当前的版本号），以免覆盖他人的操作");
        }
        var definition = await catalog.GetAsync(record.Instance.WorkflowId, record.Instance.WorkflowVersion, cancellationToken);
        var context = await contexts.CreateAsync(cancellationToken);
        if (version != record.Instance.Version)
        {
            metrics.ActionConflicted(actionId);
            return await RefuseUnlessReplayedAsync(await ConflictAsync(caller, id, version, cancellationToken));
        }
        context = await WithNamedTopicAsync(context, request.Data, cancellationToken);
        await contexts.AddAttachmentsAsync(context, id, request.Data, cancellationToken);
        var outcome = WorkflowEngine.Apply(definition, record.Instance, caller.Actor, actionId, request.Data, request.Comment, context);
        if (outcome.Refusal is { } refusal)
        {
            // An action id no definition knows is counted as "unknown": a caller must not be able to grow the metrics at will.
            metrics.ActionRefused(definition.FindAction(actionId) is null ? "unknown" : actionId, refusal.Kind);
            return await RefuseUnlessReplayedAsync(Refuse(refusal));
        }
        var idempotency = idempotencyKey is null ? null : new IdempotencyRecord(caller.UserId, idempotencyKey, requestHash!, StatusCodes.Status200OK, "");
        var (answer, view) = Answer(definition, caller, context, idempotency);
        string? applied;
        try
        {
            applied = await proposals.ApplyAnsweredAsync(definition, outcome.Transition!, context.Now, answer, cancellationToken);
        }
        catch (Exception ex) when (database.IsUniqueViolation(ex) && idempotencyKey is not null)
        {
            // The same key raced in on a parallel request and won; answer as it was answered.
            return await RefuseUnlessReplayedAsync(await ConflictAsync(caller, id, version, cancellationToken));
        }
        if (applied is null)
        {
            metrics.ActionConflicted(actionId);
            return await RefuseUnlessReplayedAsync(await ConflictAsync(caller, id, version, cancellationToken));
        }
        metrics.ActionApplied(actionId);
        return TypedResults.Ok(view.Value);
    }

    // A revision may move a draft onto another topic; the engine judges the topic, so it is read for it first.
    private async Task<EngineContext> WithNamedTopicAsync(EngineContext context, JsonObject? data, CancellationToken cancellationToken)
    {
        if (data?["topicId"] is not JsonValue value || !value.TryGetValue<long>(out var topicId) || await topics.FindAsync(topicId, cancellationToken) is not { } topic)
        {
            return context;
        }
        return context.WithTopics([new TopicInfo(topic.Id, topic.Title, topic.Year, topic.ResearchDeadline, topic.State == "closed",
            topic.Parties.Select(p => p.OrganizationId).ToList())]);
    }

    /// <summary>The numbered revisions of an item's text, oldest first; null when the caller may not see the item.</summary>
    public async Task<IReadOnlyList<RevisionView>?> RevisionsAsync(Caller caller, long id, CancellationToken cancellationToken)
    {
        var revisions = await proposals.RevisionsAsync(id, caller.Viewer, cancellationToken);
        return revisions.Count == 0 ? null : revisions.Select(ProposalViews.Revision).ToList();
    }

    /// <summary>
    /// Applies an action as the service itself (<see cref="SystemAccount"/>), for what the workflow does on its own.
    /// Returns the refusal when the engine refuses (for example the item is already flagged), null when applied.
    /// A concurrent change by someone else is met by reading the item again and retrying.
    /// </summary>
    public async Task<Refusal?> ApplyAsSystemAsync(Actor system, long id, string actionId, JsonObject data, string comment, CancellationToken cancellationToken)
    {
        const int attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            var record = await proposals.FindAsync(id, Viewer.Service, cancellationToken)
                ?? throw new InvalidOperationException($"Proposal {id} does not exist.");
            var definition = await catalog.GetAsync(record.Instance.WorkflowId, record.Instance.WorkflowVersion, cancellationToken);
            var context = await contexts.CreateAsync(cancellationToken);
            var outcome = WorkflowEngine.Apply(definition, record.Instance, system, actionId, data, comment, context);
            if (outcome.Refusal is { } refusal)
            {
                return refusal;
            }
            if (await proposals.ApplyAsync(definition, outcome.Transition!, null, context.Now, cancellationToken))
            {
                return null;
            }
            if (attempt == attempts)
            {
                throw new InvalidOperationException($"Proposal {id} changed under each of {attempts} attempts to apply '{actionId}'; the next run tries again.");
            }
        }
    }

    private async Task<IResult?> ReplayAsync(Caller caller, long? id, string key, string requestHash, CancellationToken cancellationToken)
    {
        var stored = await proposals.FindIdempotentAsync(caller.UserId, key, cancellationToken);
        if (stored is null)
        {
            return null;
        }
        if (stored.RequestHash != requestHash)
        {
            return Problems.Unprocessable("Idempotency-Key 已被使用", "这个 Idempotency-Key 已用于另一个请求；每个不同的请求请使用新的 key");
        }
        if (stored.Body.Length == 0)
        {
            // The transition committed but the answer was not yet recorded; the current state is that answer.
            var current = await OutcomeAsync(caller, id ?? stored.ProposalId ?? 0, cancellationToken);
            return stored.StatusCode == StatusCodes.Status201Created ? TypedResults.Created($"/api/proposals/{current?.Id}", current) : TypedResults.Ok(current);
        }
        return TypedResults.Text(stored.Body, "application/json; charset=utf-8", Encoding.UTF8, stored.StatusCode);
    }

    private async Task<IResult> ConflictAsync(Caller caller, long id, int sentVersion, CancellationToken cancellationToken)
    {
        var current = await ViewAsync(caller, id, cancellationToken);
        return Problems.Conflict(
            $"提案已被他人更新：您提交的版本是 {sentVersion}，当前版本是 {current?.Version}。请刷新后重试。",
            new Dictionary<string, object?> { ["currentVersion"] = current?.Version, ["state"] = current?.State, ["current"] = current });
    }

    public static ProblemHttpResult Refuse(Refusal refusal) => refusal.Kind switch
    {
        RefusalKind.Forbidden => Problems.Forbidden(refusal.Message),
        RefusalKind.InvalidData => Problems.Validation(refusal.FieldErrors, refusal.Message),
        _ => Problems.Unprocessable("当前不能执行此操作", refusal.Message),
    };

    private static string Hash(long id, string actionId, ActionRequest request) =>
        HashText($"{id}\n{actionId}\n{request.Version}\n{request.Comment}\n{Canonical(request.Data)}");

    private static string HashText(string canonical) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));

    // The same data written with its keys in another order is the same request.
    private static string Canonical(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject obj => "{" + string.Join(",", obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => JsonSerializer.Serialize(p.Key) + ":" + Canonical(p.Value))) + "}",
        JsonArray array => "[" + string.Join(",", array.Select(Canonical)) + "]",
        _ => node.ToJsonString(),
    };
}
