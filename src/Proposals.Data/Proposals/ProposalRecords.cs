using System.Text.Json.Nodes;
using Proposals.Engine.Execution;

namespace Proposals.Data.Proposals;

/// <summary>A proposal's stored fields beyond what the engine needs.</summary>
public sealed record ProposalRecord(
    ProposalInstance Instance,
    string Stage,
    bool IsOpen,
    int Year,
    string Summary,
    string Body,
    long CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The events the item shows in sections of their own (instructions, plans, contact), oldest first.</summary>
    public IReadOnlyList<HistoryEvent> Notes { get; init; } = [];

    /// <summary>Each commitment's id in the API, by its number on the item.</summary>
    public IReadOnlyDictionary<int, long> CommitmentIds { get; init; } = new Dictionary<int, long>();
}

/// <summary>One saved text of a proposal: its number, what it said and who saved it when; <paramref name="AuditSequence"/> is its history event.</summary>
public sealed record RevisionRecord(int Number, string Title, string Summary, string Body, long? TopicId, long ActorUserId, string ActorName, DateTimeOffset At, int AuditSequence);

/// <summary>An open task as lists show it; <paramref name="Subject"/> is the milestone or commitment number it is about, if any.</summary>
public sealed record TaskView(long Id, long ProposalId, string TaskId, string Name, long OrganizationId, IReadOnlyList<string> Roles, int Round, DateTimeOffset OpenedAt, DateOnly? DueDate, DateTimeOffset? DueAt, int? Subject = null);

/// <summary>One line of a proposals list.</summary>
public sealed record ProposalListItem(
    long Id, string Title, string State, string Stage, bool IsOpen, long PartyId, long? TopicId, int Year, int Round,
    bool KeySupervision, DateOnly? ItemDueDate, DateOnly? NextDueDate, int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>Filters of the proposals list; all optional.</summary>
public sealed record ProposalQuery(
    string? Stage = null, string? State = null, bool? Overdue = null, long? OrganizationId = null, string? Text = null,
    int? Year = null, bool? KeySupervision = null, int Page = 1, int PageSize = 20, bool? Open = null);

/// <summary>An audit event as the history shows it.</summary>
public sealed record HistoryEvent(long Sequence, string Action, long ActorUserId, string Actor, long OrganizationId, DateTimeOffset At, string? Comment, JsonObject Data, string FromState, string ToState, int WorkflowVersion);

/// <summary>An item as a transition left it, read inside the transition's own transaction: what its answer is made of.</summary>
public sealed record StoredItem(ProposalRecord Record, IReadOnlyList<TaskView> OpenTasks, IReadOnlyList<Attachments.AttachmentRecord> Attachments);

/// <summary>
/// How to answer a transition, and under which Idempotency-Key to keep that answer: the answer is made from the item as
/// the transaction left it and stored in the same transaction, so that it never depends on a read after the commit.
/// </summary>
public sealed record AnswerRule(Func<StoredItem, string> Body, IdempotencyRecord? Idempotency);

/// <summary>A stored answer to an action request, replayed for the same Idempotency-Key.</summary>
public sealed record IdempotentResponse(string RequestHash, long? ProposalId, int StatusCode, string Body);

/// <summary>What to remember with a transition so that a retry gets the same answer.</summary>
public sealed record IdempotencyRecord(long UserId, string Key, string RequestHash, int StatusCode, string Body);
