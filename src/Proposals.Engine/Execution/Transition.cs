using System.Text.Json.Nodes;
using Proposals.Engine.Calendar;

namespace Proposals.Engine.Execution;

/// <summary>Who a message goes to: one organisation, or every organisation of a kind; a role narrows it to those users.</summary>
public sealed record Recipient(long? OrganizationId, OrganizationKind? OrganizationKind, string? Role);

/// <summary>A reminder or escalation row to write for a task; <see cref="Level"/> is <c>reminder</c> or the rung's name.</summary>
public sealed record ReminderSchedule(string Level, DateTimeOffset DueAt, IReadOnlyList<Recipient> Recipients, Duration? Repeat, bool FlagKey);

/// <summary>A task to open, with the reminders that watch it.</summary>
public sealed record TaskOpening(string TaskId, string Name, long OrganizationId, IReadOnlyList<string> Roles, DateOnly? DueDate, DateTimeOffset? DueAt, IReadOnlyList<ReminderSchedule> Reminders)
{
    /// <summary>When the step began, for a task opened again with a recounted deadline: it keeps its first day. Null: now.</summary>
    public DateTimeOffset? OpenedAt { get; init; }

    /// <summary>The milestone or commitment number the task is about, for a task of one of those; else null.</summary>
    public int? Subject { get; init; }
}

/// <summary>An open task to close; its pending reminders are cancelled with it.</summary>
public sealed record TaskClosing(long TaskRowId, string TaskId, long OrganizationId, string Reason);

/// <summary>A notification to queue in the outbox.</summary>
public sealed record NotificationMessage(Recipient Recipient, string Kind, string Title, string Body);

/// <summary>The audit event of a transition.</summary>
public sealed record AuditEntry(string Action, string FromState, string ToState, long ActorUserId, string ActorName, long OrganizationId, string? Comment, JsonObject Data);

/// <summary>Everything one action does, to be written in one transaction.</summary>
public sealed record Transition(
    ProposalInstance? Before,
    ProposalInstance After,
    AuditEntry Audit,
    IReadOnlyList<TaskOpening> OpenedTasks,
    IReadOnlyList<TaskClosing> ClosedTasks,
    IReadOnlyList<NotificationMessage> Notifications)
{
    /// <summary>The item's files this action binds; written with the audit event, whose data names them.</summary>
    public IReadOnlyList<long> AttachmentIds { get; init; } = [];
}

/// <summary>Why an action was refused. The edge turns it into 403, 404 or 422.</summary>
public enum RefusalKind
{
    /// <summary>The action is not one of this workflow's, or not possible in the current state.</summary>
    NotAllowed,

    /// <summary>The caller's role or organisation may not take it.</summary>
    Forbidden,

    /// <summary>The data is missing or wrong; see the field errors.</summary>
    InvalidData,
}

/// <summary>An action the engine refused, with the reason and, for bad data, one message per field.</summary>
public sealed record Refusal(RefusalKind Kind, string Message, IReadOnlyDictionary<string, string[]> FieldErrors)
{
    public static Refusal NotAllowed(string message) => new(RefusalKind.NotAllowed, message, new Dictionary<string, string[]>());

    public static Refusal Forbidden(string message) => new(RefusalKind.Forbidden, message, new Dictionary<string, string[]>());

    public static Refusal Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        new(RefusalKind.InvalidData, "提交的数据有误：" + string.Join("；", errors.Select(e => $"{e.Key}：{string.Join("，", e.Value)}")), errors);
}

/// <summary>A transition, or the reason there is none.</summary>
public sealed record ActionOutcome(Transition? Transition, Refusal? Refusal)
{
    public static implicit operator ActionOutcome(Transition transition) => new(transition, null);

    public static implicit operator ActionOutcome(Refusal refusal) => new(null, refusal);
}
