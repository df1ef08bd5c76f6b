using System.Text.Json.Nodes;
using Proposals.Data.Proposals;
using Proposals.Engine.Definitions;
using Proposals.Engine.Execution;
using Proposals.Host.Auth;

namespace Proposals.Host.Proposals;

internal sealed record OrganizationRef(long Id, string Code, string Name);

internal sealed record DepartmentView(OrganizationRef Organization, string Role, bool Active, DateTimeOffset AssignedAt, DateTimeOffset? SignedAt, DateTimeOffset? OpinionAt, DateTimeOffset? EndedAt, string? EndReason);

internal sealed record TaskDeadlineView(long Id, string TaskId, string Name, OrganizationRef Organization, IReadOnlyList<string> Roles, int Round, DateTimeOffset OpenedAt, DateOnly? DueDate, DateTimeOffset? DueAt, bool Overdue, int DaysOverdue);

internal sealed record ExtensionView(DateOnly NewDueDate, string Reason, DateTimeOffset RequestedAt);

internal sealed record ActionView(string Id, string Name, string? NameEn, IReadOnlyDictionary<string, FieldDefinition> Data);

internal sealed record WorkflowRef(string Id, int Version);

internal sealed record ProposalView(
    long Id, string Title, string Summary, string Body, WorkflowRef Workflow, string State, string StateName, string Stage, string StageName,
    bool IsOpen, int Version, int Round, bool KeySupervision, OrganizationRef Party, long? TopicId, int Year, DateOnly? ItemDueDate,
    ExtensionView? PendingExtension, IReadOnlyList<DepartmentView> Departments, IReadOnlyList<TaskDeadlineView> OpenTasks,
    IReadOnlyList<ActionView> AllowedActions, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int Revision, IReadOnlyList<CosignerView> Cosigners,
    IReadOnlyList<Attachments.AttachmentView> Attachments);

/// <summary>A party invited to co-sign: <c>invited</c>, <c>accepted</c> or <c>declined</c>, since <paramref name="At"/>.</summary>
internal sealed record CosignerView(OrganizationRef Organization, string Status, DateTimeOffset At, DateTimeOffset InvitedAt, DateTimeOffset? AnsweredAt, string? Rating, int? EvaluatedRound);

/// <summary>One numbered text of a proposal.</summary>
internal sealed record RevisionView(int Number, DateTimeOffset At, ActorView Actor, string Title, string Summary, string Body, long? TopicId, long HistorySequence);

internal sealed record ProposalListView(
    long Id, string Title, string State, string StateName, string Stage, bool IsOpen, OrganizationRef Party, long? TopicId, int Year,
    int Round, bool KeySupervision, DateOnly? ItemDueDate, DateOnly? NextDueDate, int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

internal sealed record HistoryView(long Sequence, string Action, string ActionName, ActorView Actor, OrganizationRef Organization, DateTimeOffset At, string? Comment, JsonObject Data, string? FromState, string ToState, int WorkflowVersion);

internal sealed record ActorView(long Id, string Name);

/// <summary>Turns stored records into what the API returns, naming organisations, states and deadlines.</summary>
internal static class ProposalViews
{
    public static OrganizationRef Organization(EngineContext context, long id) =>
        context.Organizations.TryGetValue(id, out var org) ? new OrganizationRef(org.Id, org.Code, org.Name) : new OrganizationRef(id, "", $"#{id}");

    public static ProposalView Detail(
        ProposalRecord record, IReadOnlyList<TaskView> openTasks, IReadOnlyList<Data.Attachments.AttachmentRecord> attachments, WorkflowDefinition definition, Caller caller, EngineContext context)
    {
        var item = record.Instance;
        var state = definition.State(item.State);
        var stage = definition.Stages.First(s => s.Id == state.Stage);
        var allowed = WorkflowEngine.AllowedActions(definition, item, caller.Actor, context)
            .Select(a => new ActionView(a.Id, a.Name, a.NameEn, a.Data)).ToList();
        return new ProposalView(
            item.Id, item.Title, record.Summary, record.Body, new WorkflowRef(item.WorkflowId, item.WorkflowVersion), item.State, state.Name,
            state.Stage, stage.Name, record.IsOpen, item.Version, item.Round, item.KeySupervision, Organization(context, item.PartyId), item.TopicId,
            record.Year, item.ItemDueDate,
            item.PendingExtension is { } ext ? new ExtensionView(ext.NewDueDate, ext.Reason, ext.RequestedAt) : null,
            item.Assignments.Select(a => new DepartmentView(Organization(context, a.OrganizationId), a.IsLead ? "lead" : "co", a.IsActive,
                a.AssignedAt, a.SignedAt, a.OpinionAt, a.EndedAt, a.EndReason)).ToList(),
            openTasks.Select(t => Task(t, context)).ToList(),
            allowed, record.CreatedAt, record.UpdatedAt, item.Revision,
            item.Cosigners.Select(c => new CosignerView(Organization(context, c.OrganizationId), c.Status, c.AnsweredAt ?? c.InvitedAt, c.InvitedAt,
                c.AnsweredAt, c.Rating, c.EvaluatedRound)).ToList(),
            attachments.Select(a => Attachments.AttachmentUploads.View(a, context.Organizations)).ToList());
    }

    public static RevisionView Revision(RevisionRecord r) =>
        new(r.Number, r.At, new ActorView(r.ActorUserId, r.ActorName), r.Title, r.Summary, r.Body, r.TopicId, r.AuditSequence);

    public static TaskDeadlineView Task(TaskView task, EngineContext context)
    {
        var overdue = task.DueAt is { } dueAt && context.Now >= dueAt;
        var days = task.DueDate is { } due ? context.ClockFor(task.OrganizationId).WorkingDaysOverdue(due, context.Now) : 0;
        return new TaskDeadlineView(task.Id, task.TaskId, task.Name, Organization(context, task.OrganizationId), task.Roles, task.Round, task.OpenedAt,
            task.DueDate, task.DueAt, overdue, days);
    }

    public static ProposalListView ListItem(ProposalListItem item, IReadOnlyDictionary<string, string> stateNames, EngineContext context) =>
        new(item.Id, item.Title, item.State, stateNames.GetValueOrDefault(item.State, item.State), item.Stage, item.IsOpen, Organization(context, item.PartyId),
            item.TopicId, item.Year, item.Round, item.KeySupervision, item.ItemDueDate, item.NextDueDate, item.Version, item.CreatedAt, item.UpdatedAt);

    public static HistoryView History(HistoryEvent e, WorkflowDefinition definition, EngineContext context) =>
        new(e.Sequence, e.Action, e.Action == WorkflowEngine.CreateAction ? "创建草稿" : e.Action == WorkflowEngine.RecomputeDeadlinesAction ? "重算办理期限" : definition.FindAction(e.Action)?.Name ?? e.Action,
            new ActorView(e.ActorUserId, e.Actor), Organization(context, e.OrganizationId), e.At, e.Comment, e.Data,
            e.FromState.Length == 0 ? null : e.FromState, e.ToState, e.WorkflowVersion);
}
