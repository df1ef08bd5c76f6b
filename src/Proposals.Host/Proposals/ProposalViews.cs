using System.Globalization;
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
    IReadOnlyList<Attachments.AttachmentView> Attachments, PlanView? Plan, int? ProgressPercent, IReadOnlyList<InstructionView> Instructions,
    IReadOnlyList<ContactView> Contacts, IReadOnlyList<CommitmentView> Commitments);

/// <summary>The lead department's plan in force (办理方案), its milestones, and the versions it replaced.</summary>
internal sealed record PlanView(int Version, string Text, IReadOnlyList<MilestoneView> Milestones, IReadOnlyList<PlanVersionView> Versions);

/// <summary>A milestone: <c>open</c>, <c>completed</c> or, for one of a replaced plan, <c>cancelled</c>.</summary>
internal sealed record MilestoneView(int Id, string Title, DateOnly DueDate, string Status, DateTimeOffset? CompletedAt, bool Overdue);

/// <summary>One recorded version of the plan, as its event has it.</summary>
internal sealed record PlanVersionView(int Version, string Text, ActorView By, DateTimeOffset At, IReadOnlyList<PlannedMilestoneView> Milestones, long HistorySequence);

internal sealed record PlannedMilestoneView(int Id, string Title, DateOnly DueDate);

/// <summary>A leader's instruction (领导批示), given with the adoption or later.</summary>
internal sealed record InstructionView(string Text, string? Leader, ActorView By, OrganizationRef Organization, DateTimeOffset At, long HistorySequence);

/// <summary>A department's recorded contact with the proposing party (沟通联系).</summary>
internal sealed record ContactView(DateOnly ContactDate, string Method, string? People, string Text, OrganizationRef Organization, ActorView By, DateTimeOffset At, long HistorySequence);

/// <summary>What a B-class reply promised: <c>open</c>, <c>overdue</c> (open past its date) or <c>fulfilled</c>.</summary>
internal sealed record CommitmentView(
    long Id, int Number, int Round, OrganizationRef Department, string Text, DateOnly DueDate, string Status, DateTimeOffset MadeAt,
    DateTimeOffset? FulfilledAt, string? FulfilmentText, bool? FulfilledOnTime);

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
            attachments.Select(a => Attachments.AttachmentUploads.View(a, context.Organizations)).ToList(),
            Plan(item, record.Notes, context), item.ProgressPercent, Instructions(record.Notes, context), Contacts(record.Notes, context),
            item.Commitments.Select(c => Commitment(c, record.CommitmentIds.GetValueOrDefault(c.Number), context)).ToList());
    }

    private static PlanView? Plan(ProposalInstance item, IReadOnlyList<HistoryEvent> notes, EngineContext context)
    {
        if (item.PlanVersion == 0)
        {
            return null;
        }
        var versions = notes.Where(e => e.Action == "plan").Select(e => new PlanVersionView(
            e.Data["planVersion"]?.GetValue<int>() ?? 0, e.Data["text"]?.GetValue<string>() ?? "", new ActorView(e.ActorUserId, e.Actor), e.At,
            (e.Data["milestones"] as JsonArray ?? []).OfType<JsonObject>().Select(m => new PlannedMilestoneView(
                m["id"]?.GetValue<int>() ?? 0, m["title"]?.GetValue<string>() ?? "", DateOnly.ParseExact(m["dueDate"]!.GetValue<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture))).ToList(),
            e.Sequence)).ToList();
        var clock = context.ClockFor(item.Lead?.OrganizationId);
        var milestones = item.Milestones.Select(m => new MilestoneView(m.Number, m.Title, m.DueDate,
            m.CompletedAt is not null ? "completed" : m.CancelledAt is not null ? "cancelled" : "open", m.CompletedAt,
            m.IsOpen && context.Now >= clock.OverdueAt(m.DueDate))).ToList();
        return new PlanView(item.PlanVersion, item.PlanText ?? "", milestones, versions);
    }

    private static List<InstructionView> Instructions(IReadOnlyList<HistoryEvent> notes, EngineContext context) =>
        notes.Select(e => (Event: e, Text: e.Action switch { "instruct" => e.Data["text"], "adopt" => e.Data["instruction"], _ => null }))
            .Where(x => x.Text is not null)
            .Select(x => new InstructionView(x.Text!.GetValue<string>(), x.Event.Data["leader"]?.GetValue<string>(), new ActorView(x.Event.ActorUserId, x.Event.Actor),
                Organization(context, x.Event.OrganizationId), x.Event.At, x.Event.Sequence))
            .Reverse().ToList();

    private static List<ContactView> Contacts(IReadOnlyList<HistoryEvent> notes, EngineContext context) =>
        notes.Where(e => e.Action == "record-contact" && e.Data["contactDate"] is not null).Select(e => new ContactView(
            DateOnly.ParseExact(e.Data["contactDate"]!.GetValue<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture), e.Data["method"]?.GetValue<string>() ?? "",
            e.Data["people"]?.GetValue<string>(), e.Data["text"]?.GetValue<string>() ?? "", Organization(context, e.OrganizationId),
            new ActorView(e.ActorUserId, e.Actor), e.At, e.Sequence)).ToList();

    public static CommitmentView Commitment(Commitment c, long id, EngineContext context)
    {
        var clock = context.ClockFor(c.OrganizationId);
        var status = c.FulfilledAt is not null ? "fulfilled" : context.Now >= clock.OverdueAt(c.DueDate) ? "overdue" : "open";
        bool? onTime = c.FulfilledAt is { } at ? clock.LocalDate(at) <= c.DueDate : null;
        return new CommitmentView(id, c.Number, c.Round, Organization(context, c.OrganizationId), c.Text, c.DueDate, status, c.MadeAt, c.FulfilledAt, c.FulfilmentText, onTime);
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
