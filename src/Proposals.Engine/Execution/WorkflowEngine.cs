using System.Globalization;
using System.Text.Json.Nodes;
using Proposals.Engine.Calendar;
using Proposals.Engine.Definitions;

namespace Proposals.Engine.Execution;

/// <summary>A new draft as its party writes it.</summary>
public sealed record NewProposal(long PartyId, long? TopicId, DateOnly? TopicDeadline, string? Title, string? Summary, string? Body);

/// <summary>
/// Applies actions to proposals without I/O: checks that the action exists in the state, that the caller's
/// role and organisation may take it, its guards and data; then returns the new instance with every
/// task, reminder, notification and audit entry that follows. Writing them is the caller's business.
/// </summary>
public static partial class WorkflowEngine
{
    public const string CreateAction = "create";
    public const int TitleLimit = 200;
    public const int SummaryLimit = 2000;
    public const int BodyLimit = 50_000;

    /// <summary>A commitment's text when the reply gives none of its own: the reply's opening words.</summary>
    public const int CommitmentTextLimit = 500;

    /// <summary>Starts a proposal in the definition's initial state.</summary>
    public static ActionOutcome Start(WorkflowDefinition definition, Actor actor, NewProposal draft, EngineContext context)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(context);
        if (!actor.HasAnyRole([Roles.PartyMember, Roles.PartyAdmin]) || actor.OrganizationId != draft.PartyId)
        {
            return Refusal.Forbidden("只有民主党派的成员或管理员可以为本党派起草提案");
        }
        var errors = new Dictionary<string, List<string>>();
        CheckText(errors, "title", "标题", draft.Title, TitleLimit, required: true);
        CheckText(errors, "summary", "摘要", draft.Summary, SummaryLimit, required: false);
        CheckText(errors, "body", "正文", draft.Body, BodyLimit, required: false);
        if (errors.Count > 0)
        {
            return Refusal.Invalid(ActionData.Freeze(errors));
        }
        var before = new ProposalInstance
        {
            WorkflowId = definition.Id,
            WorkflowVersion = definition.Version,
            State = definition.InitialState,
            Version = 0,
            PartyId = draft.PartyId,
            TopicId = draft.TopicId,
            TopicDeadline = draft.TopicDeadline,
            Title = draft.Title!.Trim(),
            Summary = draft.Summary?.Trim() ?? "",
            Body = draft.Body?.Trim() ?? "",
        };
        var data = new JsonObject { ["title"] = before.Title };
        if (draft.TopicId is { } topicId)
        {
            data["topicId"] = topicId;
        }
        var step = new Step(definition, before, actor, context);
        var after = before with { Version = 1 };
        var opened = step.Reconcile(after, stateChanged: true, closeReason: CreateAction, out _);
        var audit = new AuditEntry(CreateAction, "", after.State, actor.UserId, actor.DisplayName, actor.OrganizationId, null, data);
        return new Transition(null, after, audit, opened, [], step.NotifyNewTasks(after, opened));
    }

    /// <summary>Applies <paramref name="actionId"/> to <paramref name="instance"/> as <paramref name="actor"/>.</summary>
    public static ActionOutcome Apply(WorkflowDefinition definition, ProposalInstance instance, Actor actor, string actionId, JsonObject? data, string? comment, EngineContext context)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(context);
        var action = definition.FindAction(actionId);
        if (action is null)
        {
            return Refusal.NotAllowed($"没有名为“{actionId}”的动作（工作流 {definition.Id} v{definition.Version}）");
        }
        var state = definition.State(instance.State);
        if (!definition.IsAvailableIn(action, instance.State))
        {
            return Refusal.NotAllowed($"当前状态“{state.Name}”（{state.Id}）下不能执行“{action.Name}”（{action.Id}）");
        }
        if (CheckPermission(action, instance, actor, context) is { } forbidden)
        {
            return forbidden;
        }
        if (CheckGuards(action, instance, actor, context) is { } guardRefusal)
        {
            return guardRefusal;
        }

        var errors = new Dictionary<string, List<string>>();
        if (comment is { Length: > ActionData.CommentLimit })
        {
            ActionData.AddError(errors, "comment", $"意见过长：最多 {ActionData.CommentLimit} 字，实际 {comment.Length} 字");
        }
        var normalised = ActionData.Normalise(action, data, context, errors);
        var attachmentIds = AttachmentBinding.Normalise(data, actor, context, normalised, errors);
        if (errors.Count > 0)
        {
            return Refusal.Invalid(ActionData.Freeze(errors));
        }

        var branch = action.Branches.FirstOrDefault(b => ActionData.FieldEquals(normalised[b.When.Field], b.When.EqualsValue));
        var target = branch?.To ?? action.To ?? instance.State;
        var step = new Step(definition, instance, actor, context);
        var after = instance with { State = target, Version = instance.Version + 1 };
        foreach (var effect in action.Effects.Concat(branch?.Effects ?? []))
        {
            after = step.ApplyEffect(effect, after, normalised, errors);
        }
        if ((branch?.ItemDeadline ?? action.ItemDeadline) is { } deadlineRule)
        {
            after = step.SetItemDeadline(after, deadlineRule, normalised, errors);
        }
        if (errors.Count > 0)
        {
            return Refusal.Invalid(ActionData.Freeze(errors));
        }

        var opened = step.Reconcile(after, stateChanged: target != instance.State, closeReason: action.Id, out var closed);
        var remaining = instance.OpenTasks.Where(t => closed.All(c => c.TaskRowId != t.Id)).ToList();
        var notifications = step.NotifyNewTasks(after, opened).ToList();
        notifications.AddRange(step.NotifyAction(action, after, remaining, opened, comment, normalised));
        var audit = new AuditEntry(action.Id, instance.State, target, actor.UserId, actor.DisplayName, actor.OrganizationId, string.IsNullOrWhiteSpace(comment) ? null : comment.Trim(), normalised);
        return new Transition(instance, after, audit, opened, closed, notifications) { AttachmentIds = attachmentIds };
    }

    /// <summary>The actions the caller could take now, judged on state, role, organisation and guards; data is checked only when acting.</summary>
    public static IReadOnlyList<ActionDefinition> AllowedActions(WorkflowDefinition definition, ProposalInstance instance, Actor actor, EngineContext context)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return definition.Actions
            .Where(a => definition.IsAvailableIn(a, instance.State)
                && CheckPermission(a, instance, actor, context) is null
                && CheckGuards(a, instance, actor, context) is null)
            .ToList();
    }

    private static Refusal? CheckPermission(ActionDefinition action, ProposalInstance instance, Actor actor, EngineContext context)
    {
        var roles = action.RolesInState(instance.State);
        if (!actor.HasAnyRole(roles))
        {
            return Refusal.Forbidden($"“{action.Name}”只能由以下角色执行：{string.Join("、", roles)}");
        }
        var assignment = instance.ActiveAssignmentOf(actor.OrganizationId);
        return action.Scope switch
        {
            Scopes.OwnParty when actor.OrganizationId != instance.PartyId =>
                Refusal.Forbidden($"只有{context.NameOf(instance.PartyId)}可以“{action.Name}”"),
            Scopes.AssignedDepartment when assignment is null =>
                Refusal.Forbidden($"本单位不是此件的承办单位，不能“{action.Name}”"),
            Scopes.LeadDepartment when assignment is not { IsLead: true } =>
                Refusal.Forbidden($"只有主办单位可以“{action.Name}”"),
            Scopes.CoDepartment when assignment is not { IsLead: false } =>
                Refusal.Forbidden($"只有协办单位可以“{action.Name}”"),
            Scopes.InvitedParty when instance.CosignerOf(actor.OrganizationId) is not { IsOpen: true } =>
                Refusal.Forbidden($"本党派没有待答复的联名邀请，不能“{action.Name}”"),
            Scopes.CosigningParty when instance.CosignerOf(actor.OrganizationId) is not { IsAccepted: true } =>
                Refusal.Forbidden($"只有联名党派可以“{action.Name}”"),
            _ => null,
        };
    }

    private static Refusal? CheckGuards(ActionDefinition action, ProposalInstance instance, Actor actor, EngineContext context)
    {
        var own = instance.ActiveAssignmentOf(actor.OrganizationId);
        foreach (var guard in action.Guards)
        {
            string? problem = guard switch
            {
                Guards.ActorNotSigned when own is { SignedAt: not null } => "本单位已签收，不能再执行此操作",
                Guards.ActorNotSigned when own is null => "本单位不是此件的承办单位",
                Guards.ActorSigned when own is not { SignedAt: not null } => "本单位尚未签收此件",
                Guards.ActorOpinionNotGiven when own is { OpinionAt: not null } => "本单位已提交协办意见",
                Guards.AllSigned => Missing(instance.ActiveAssignments.Where(a => a.SignedAt is null), "尚未签收", context),
                Guards.AllOpinionsGiven => Missing(instance.ActiveAssignments.Where(a => !a.IsLead && a.OpinionAt is null), "尚未提交协办意见", context),
                Guards.ExtensionPending when instance.PendingExtension is null => "没有待审批的延期申请",
                Guards.NoExtensionPending when instance.PendingExtension is not null => "已有一项延期申请等待审批",
                Guards.KeyFlagged when !instance.KeySupervision => "此件不是重点督办件",
                Guards.NotKeyFlagged when instance.KeySupervision => "此件已是重点督办件",
                Guards.NoOpenInvitation when instance.Cosigners.Any(c => c.IsOpen) =>
                    $"{string.Join("、", instance.Cosigners.Where(c => c.IsOpen).Select(c => context.NameOf(c.OrganizationId)))}尚未答复联名邀请",
                Guards.ActorNotEvaluatedAsCosigner when instance.CosignerOf(actor.OrganizationId)?.EvaluatedRound == instance.Round =>
                    "本党派已评价本轮办理结果",
                Guards.ContactRecorded when instance.ContactRound != instance.Round =>
                    $"主办单位尚未记录{(instance.Round > 1 ? "本轮" : "")}与{context.NameOf(instance.PartyId)}的沟通联系",
                Guards.LaterRound when instance.Round < 2 => "只有第二轮及以后的办理才能另定本轮期限",
                Guards.ActorHasOpenCommitment when !instance.Commitments.Any(c => c.IsOpen && c.OrganizationId == actor.OrganizationId) =>
                    "本单位在此件上没有尚未兑现的承诺",
                Guards.OpenMilestone when !instance.CurrentMilestones.Any(m => m.IsOpen) => "办理方案中没有尚未完成的节点",
                _ => null,
            };
            if (problem is not null)
            {
                return Refusal.NotAllowed($"不能“{action.Name}”：{problem}");
            }
        }
        return null;
    }

    private static string? Missing(IEnumerable<Assignment> missing, string what, EngineContext context)
    {
        var names = missing.Select(a => $"{context.NameOf(a.OrganizationId)}（{(a.IsLead ? "主办" : "协办")}）").ToList();
        return names.Count == 0 ? null : $"{string.Join("、", names)}{what}";
    }

    private static void CheckText(Dictionary<string, List<string>> errors, string field, string label, string? value, int limit, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                ActionData.AddError(errors, field, $"必须填写{label}");
            }
        }
        else if (value.Length > limit)
        {
            ActionData.AddError(errors, field, $"{label}过长：最多 {limit} 字，实际 {value.Length} 字");
        }
    }

    /// <summary>One application of an action: the effects, the task reconciliation and the messages.</summary>
    private sealed partial class Step(WorkflowDefinition definition, ProposalInstance before, Actor actor, EngineContext context)
    {
        private DateOnly Today(long? organizationId) => context.ClockFor(organizationId).LocalDate(context.Now);

        public ProposalInstance ApplyEffect(string effect, ProposalInstance item, JsonObject data, Dictionary<string, List<string>> errors)
        {
            var now = context.Now;
            switch (effect)
            {
                case Effects.AssignDepartments:
                    return AssignDepartments(item, data, errors);
                case Effects.Sign:
                    return ReplaceOwn(item, a => a with { SignedAt = now });
                case Effects.ReturnAssignment:
                    return ReplaceOwn(item, a => a with { EndedAt = now, EndReason = "returned" });
                case Effects.RecordOpinion:
                    return ReplaceOwn(item, a => a with { OpinionAt = now });
                case Effects.RequestExtension:
                    var newDue = DateOnly.ParseExact(data["newDueDate"]!.GetValue<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture);
                    if (item.ItemDueDate is { } current && newDue <= current)
                    {
                        ActionData.AddError(errors, "data.newDueDate", $"新的办理期限应晚于当前期限 {current:yyyy-MM-dd}");
                    }
                    return item with { PendingExtension = new ExtensionRequest(newDue, data["reason"]?.GetValue<string>() ?? "", now) };
                case Effects.GrantExtension:
                    return item with { ItemDueDate = item.PendingExtension?.NewDueDate ?? item.ItemDueDate, PendingExtension = null };
                case Effects.RefuseExtension:
                    return item with { PendingExtension = null };
                case Effects.FlagKey:
                    return item with { KeySupervision = true };
                case Effects.UnflagKey:
                    return item with { KeySupervision = false };
                case Effects.NextRound:
                    return item with { Round = item.Round + 1 };
                case Effects.Revise:
                    return Revise(item, data, errors);
                case Effects.InviteCosigner:
                    return Invite(item, data["partyId"]!.GetValue<long>(), errors);
                case Effects.AcceptCosign:
                    return ReplaceOwnCosign(item, c => c with { Status = CosignStatus.Accepted, AnsweredAt = now });
                case Effects.DeclineCosign:
                    return ReplaceOwnCosign(item, c => c with { Status = CosignStatus.Declined, AnsweredAt = now });
                case Effects.EvaluateAsCosigner:
                    return ReplaceOwnCosign(item, c => c with { EvaluatedRound = item.Round, Rating = data["rating"]?.GetValue<string>() });
                case Effects.Plan:
                    return Plan(item, data, errors);
                case Effects.CompleteMilestone:
                    return CompleteMilestone(item, data, errors);
                case Effects.RecordPercent:
                    return data["percent"] is JsonNode percent ? item with { RecordedPercent = percent.GetValue<int>() } : item;
                case Effects.RecordContact:
                    return RecordContact(item, data, errors);
                case Effects.RecordCommitment:
                    return RecordCommitment(item, data, errors);
                case Effects.FulfilCommitment:
                    return FulfilCommitment(item, data, errors);
                case Effects.AskFreshOpinions:
                    return item with { Assignments = item.Assignments.Select(a => a.IsActive && !a.IsLead ? a with { OpinionAt = null } : a).ToList() };
                default:
                    throw new InvalidOperationException($"Effect '{effect}' passed validation but has no implementation.");
            }
        }

        // A revision changes only what it names; the number it gets is written into its event, so the history says which text was read.
        private ProposalInstance Revise(ProposalInstance item, JsonObject data, Dictionary<string, List<string>> errors)
        {
            var revised = item with
            {
                Title = data["title"]?.GetValue<string>() ?? item.Title,
                Summary = data["summary"]?.GetValue<string>() ?? item.Summary,
                Body = data["body"]?.GetValue<string>() ?? item.Body,
            };
            if (data["topicId"] is JsonNode topicNode)
            {
                var topicId = topicNode.GetValue<int>();
                if (!context.Topics.TryGetValue(topicId, out var topic))
                {
                    ActionData.AddError(errors, "data.topicId", $"课题 {topicId} 不存在");
                }
                else if (!topic.PartyIds.Contains(item.PartyId))
                {
                    ActionData.AddError(errors, "data.topicId", $"{context.NameOf(item.PartyId)}没有认领或被指定课题“{topic.Title}”");
                }
                else if (topic.Closed && topic.Id != item.TopicId)
                {
                    ActionData.AddError(errors, "data.topicId", $"课题“{topic.Title}”已关闭");
                }
                else
                {
                    revised = revised with { TopicId = topic.Id, TopicDeadline = topic.ResearchDeadline };
                }
            }
            if (revised.Title == item.Title && revised.Summary == item.Summary && revised.Body == item.Body && revised.TopicId == item.TopicId)
            {
                ActionData.AddError(errors, "data", "没有修改：请至少改动标题、摘要、正文或课题之一");
                return item;
            }
            revised = revised with { Revision = item.Revision + 1 };
            data["revision"] = revised.Revision;
            return revised;
        }

        private ProposalInstance Invite(ProposalInstance item, long partyId, Dictionary<string, List<string>> errors)
        {
            if (partyId == item.PartyId)
            {
                ActionData.AddError(errors, "data.partyId", "不能邀请本党派联名");
                return item;
            }
            switch (item.CosignerOf(partyId)?.Status)
            {
                case CosignStatus.Invited:
                    ActionData.AddError(errors, "data.partyId", $"已邀请{context.NameOf(partyId)}联名，尚待答复");
                    return item;
                case CosignStatus.Accepted:
                    ActionData.AddError(errors, "data.partyId", $"{context.NameOf(partyId)}已是联名党派");
                    return item;
            }
            // A party that declined may be asked again; its earlier answer stays in the history.
            var others = item.Cosigners.Where(c => c.OrganizationId != partyId);
            return item with { Cosigners = others.Append(new Cosigner(partyId, CosignStatus.Invited, context.Now)).ToList() };
        }

        // Milestones are numbered on across plans, so a number names one milestone for ever; the numbers go into the event.
        private ProposalInstance Plan(ProposalInstance item, JsonObject data, Dictionary<string, List<string>> errors)
        {
            var today = Today(actor.OrganizationId);
            var given = (JsonArray)data["milestones"]!;
            var next = item.Milestones.Count == 0 ? 1 : item.Milestones.Max(m => m.Number) + 1;
            var version = item.PlanVersion + 1;
            var added = new List<Milestone>();
            for (var i = 0; i < given.Count; i++)
            {
                var milestone = (JsonObject)given[i]!;
                var due = ParseDate(milestone["dueDate"]!);
                if (due < today)
                {
                    ActionData.AddError(errors, $"data.milestones[{i}].dueDate", $"第 {i + 1} 项的完成日期 {due:yyyy-MM-dd} 已过：不能早于今天（{today:yyyy-MM-dd}）");
                }
                milestone["id"] = next + i;
                added.Add(new Milestone(next + i, version, milestone["title"]!.GetValue<string>(), due));
            }
            data["planVersion"] = version;
            var now = context.Now;
            var kept = item.Milestones.Select(m => m.IsOpen ? m with { CancelledAt = now } : m);
            return item with { PlanVersion = version, PlanText = data["text"]!.GetValue<string>(), Milestones = kept.Concat(added).ToList() };
        }

        private ProposalInstance CompleteMilestone(ProposalInstance item, JsonObject data, Dictionary<string, List<string>> errors)
        {
            var number = data["milestoneId"]!.GetValue<int>();
            var milestone = item.Milestones.FirstOrDefault(m => m.Number == number);
            string? problem = milestone switch
            {
                null => $"节点 {number} 不存在",
                { CompletedAt: not null } => $"节点“{milestone.Title}”已于 {context.ClockFor(actor.OrganizationId).LocalDate(milestone.CompletedAt.Value):yyyy-MM-dd} 完成",
                { CancelledAt: not null } => $"节点“{milestone.Title}”属于已被替换的方案",
                _ => null,
            };
            if (problem is not null)
            {
                ActionData.AddError(errors, "data.milestoneId", problem);
                return item;
            }
            data["title"] = milestone!.Title;
            var now = context.Now;
            return item with { Milestones = item.Milestones.Select(m => m.Number == number ? m with { CompletedAt = now } : m).ToList() };
        }

        private ProposalInstance RecordContact(ProposalInstance item, JsonObject data, Dictionary<string, List<string>> errors)
        {
            var today = Today(actor.OrganizationId);
            var date = ParseDate(data["contactDate"]!);
            if (date > today)
            {
                ActionData.AddError(errors, "data.contactDate", $"沟通日期 {date:yyyy-MM-dd} 还没到：记录的是已经进行的沟通（今天是 {today:yyyy-MM-dd}）");
            }
            // Only the lead department's contact answers for the reply; a co-department's is kept in the history.
            return item.Lead?.OrganizationId == actor.OrganizationId ? item with { ContactRound = item.Round } : item;
        }

        private ProposalInstance RecordCommitment(ProposalInstance item, JsonObject data, Dictionary<string, List<string>> errors)
        {
            if (data["commitmentDate"] is not JsonNode dateNode)
            {
                return item;
            }
            var today = Today(actor.OrganizationId);
            var due = ParseDate(dateNode);
            if (due <= today)
            {
                ActionData.AddError(errors, "data.commitmentDate", $"承诺解决时间应晚于今天（{today:yyyy-MM-dd}）");
            }
            var number = item.Commitments.Count == 0 ? 1 : item.Commitments.Max(c => c.Number) + 1;
            var text = data["commitment"]?.GetValue<string>() ?? Shorten(data["text"]?.GetValue<string>() ?? "", CommitmentTextLimit);
            data["commitmentId"] = number;
            return item with { Commitments = item.Commitments.Append(new Commitment(number, item.Round, actor.OrganizationId, text, due, context.Now)).ToList() };
        }

        private ProposalInstance FulfilCommitment(ProposalInstance item, JsonObject data, Dictionary<string, List<string>> errors)
        {
            var number = data["commitmentId"]!.GetValue<int>();
            var commitment = item.Commitments.FirstOrDefault(c => c.Number == number);
            string? problem = commitment switch
            {
                null => $"承诺 {number} 不存在",
                _ when commitment.OrganizationId != actor.OrganizationId => $"承诺 {number} 是{context.NameOf(commitment.OrganizationId)}作出的",
                { FulfilledAt: not null } => $"承诺 {number} 已于 {context.ClockFor(actor.OrganizationId).LocalDate(commitment.FulfilledAt.Value):yyyy-MM-dd} 兑现",
                _ => null,
            };
            if (problem is not null)
            {
                ActionData.AddError(errors, "data.commitmentId", problem);
                return item;
            }
            var now = context.Now;
            var text = data["text"]!.GetValue<string>();
            return item with { Commitments = item.Commitments.Select(c => c.Number == number ? c with { FulfilledAt = now, FulfilmentText = text } : c).ToList() };
        }

        private static DateOnly ParseDate(JsonNode node) => DateOnly.ParseExact(node.GetValue<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture);

        private ProposalInstance ReplaceOwnCosign(ProposalInstance item, Func<Cosigner, Cosigner> change)
        {
            var own = item.CosignerOf(actor.OrganizationId) ?? throw new InvalidOperationException("The scope check let a party without an invitation through.");
            return item with { Cosigners = item.Cosigners.Select(c => ReferenceEquals(c, own) ? change(c) : c).ToList() };
        }

        private ProposalInstance ReplaceOwn(ProposalInstance item, Func<Assignment, Assignment> change)
        {
            var own = item.ActiveAssignmentOf(actor.OrganizationId) ?? throw new InvalidOperationException("The scope check let a caller without an assignment through.");
            return item with { Assignments = item.Assignments.Select(a => ReferenceEquals(a, own) ? change(a) : a).ToList() };
        }

        private ProposalInstance AssignDepartments(ProposalInstance item, JsonObject data, Dictionary<string, List<string>> errors)
        {
            var lead = data["leadDepartmentId"]!.GetValue<long>();
            var coIds = (data["coDepartmentIds"] as JsonArray)?.Select(n => n!.GetValue<long>()).ToList() ?? [];
            if (coIds.Contains(lead))
            {
                ActionData.AddError(errors, "data.coDepartmentIds", $"{context.NameOf(lead)}已是主办单位，不能同时作为协办单位");
            }
            var now = context.Now;
            var wanted = coIds.Select(id => (Id: id, IsLead: false)).Prepend((Id: lead, IsLead: true)).ToList();
            var result = new List<Assignment>();
            foreach (var existing in item.Assignments)
            {
                if (!existing.IsActive)
                {
                    result.Add(existing);
                }
                else if (wanted.Contains((existing.OrganizationId, existing.IsLead)))
                {
                    result.Add(existing);
                }
                else
                {
                    result.Add(existing with { EndedAt = now, EndReason = "reassigned" });
                }
            }
            foreach (var (id, isLead) in wanted)
            {
                if (!result.Any(a => a.IsActive && a.OrganizationId == id && a.IsLead == isLead))
                {
                    result.Add(new Assignment(id, isLead, now));
                }
            }
            return item with { Assignments = result };
        }

        public ProposalInstance SetItemDeadline(ProposalInstance item, ItemDeadlineRule rule, JsonObject data, Dictionary<string, List<string>> errors)
        {
            var clock = context.ClockFor(item.Lead?.OrganizationId);
            var today = clock.LocalDate(context.Now);
            if (rule.FromData is { } field && data[field] is JsonNode node)
            {
                var due = DateOnly.ParseExact(node.GetValue<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture);
                if (due <= today)
                {
                    ActionData.AddError(errors, $"data.{field}", $"办理期限应晚于今天（{today:yyyy-MM-dd}）");
                }
                return item with { ItemDueDate = due };
            }
            return rule.AfterDuration is { } after ? item with { ItemDueDate = clock.DueDateAfter(today, after) } : item;
        }

        /// <summary>
        /// Makes the open tasks match what the state asks for: tasks no longer owed close, new ones open,
        /// and tasks whose deadline moved (an extension granted) close and open again with new reminders.
        /// </summary>
        public List<TaskOpening> Reconcile(ProposalInstance after, bool stateChanged, string closeReason, out List<TaskClosing> closedTasks)
        {
            var closed = new List<TaskClosing>();
            closedTasks = closed;
            var opened = new List<TaskOpening>();
            var state = definition.State(after.State);
            var desired = new List<(TaskDefinition Task, long OrganizationId, int? Subject)>();
            foreach (var task in state.Tasks.Select(definition.Task).Concat(definition.Tasks.Where(t => t.Standing)))
            {
                if (task.When == TaskConditions.ExtensionPending && after.PendingExtension is null)
                {
                    continue;
                }
                desired.AddRange(Assignees(task, after).Select(owed => (task, owed.OrganizationId, owed.Subject)));
            }
            // Only a moved item or topic date reschedules: a due date clamped to today would otherwise slide a day with every later action.
            var datesMoved = before.ItemDueDate != after.ItemDueDate || before.TopicDeadline != after.TopicDeadline;
            foreach (var open in before.OpenTasks)
            {
                var match = desired.FirstOrDefault(d => d.Task.Id == open.TaskId && d.OrganizationId == open.OrganizationId && d.Subject == open.Subject);
                if (match.Task is null || (stateChanged && !match.Task.Standing))
                {
                    closed.Add(new TaskClosing(open.Id, open.TaskId, open.OrganizationId, closeReason));
                }
                else if (datesMoved && match.Task.Deadline?.From is not null && DueDate(match.Task, after, match.OrganizationId, match.Subject) != open.DueDate)
                {
                    closed.Add(new TaskClosing(open.Id, open.TaskId, open.OrganizationId, "rescheduled"));
                }
            }
            foreach (var (task, org, subject) in desired)
            {
                var stillOpen = before.OpenTasks.Any(o => o.TaskId == task.Id && o.OrganizationId == org && o.Subject == subject && closed.All(c => c.TaskRowId != o.Id));
                if (!stillOpen)
                {
                    opened.Add(Open(task, org, subject, after));
                }
            }
            return opened;
        }

        private IEnumerable<(long OrganizationId, int? Subject)> Assignees(TaskDefinition task, ProposalInstance item) => task.Assignee switch
        {
            Definitions.Assignees.Party => [(item.PartyId, null)],
            Definitions.Assignees.Government => context.OfKind(OrganizationKind.Government).Select(o => (o.Id, (int?)null)),
            Definitions.Assignees.LeadDepartment => item.Lead is { } lead ? [(lead.OrganizationId, null)] : [],
            Definitions.Assignees.UnsignedDepartments => item.ActiveAssignments.Where(a => a.SignedAt is null).Select(a => (a.OrganizationId, (int?)null)),
            Definitions.Assignees.CoDepartmentsWithoutOpinion => item.ActiveAssignments.Where(a => !a.IsLead && a.OpinionAt is null).Select(a => (a.OrganizationId, (int?)null)),
            Definitions.Assignees.Milestones => item.Lead is { } lead
                ? item.CurrentMilestones.Where(m => m.IsOpen).Select(m => (lead.OrganizationId, (int?)m.Number))
                : [],
            Definitions.Assignees.OpenCommitments => item.Commitments.Where(c => c.IsOpen).Select(c => (c.OrganizationId, (int?)c.Number)),
            _ => throw new InvalidOperationException($"Assignee '{task.Assignee}' passed validation but has no resolver."),
        };

        // What a per-subject task is about, for its deadline and its name.
        private static (DateOnly DueDate, string Title)? SubjectOf(TaskDefinition task, ProposalInstance item, int? subject) => task.Assignee switch
        {
            _ when subject is null => null,
            Definitions.Assignees.Milestones => item.Milestones.FirstOrDefault(m => m.Number == subject) is { } m ? (m.DueDate, Shorten(m.Title)) : null,
            Definitions.Assignees.OpenCommitments => item.Commitments.FirstOrDefault(c => c.Number == subject) is { } c ? (c.DueDate, Shorten(c.Text)) : null,
            _ => null,
        };

        // countFrom: the day the task was first opened, when its deadline is counted again later (a calendar loaded since).
        private DateOnly? DueDate(TaskDefinition task, ProposalInstance item, long organizationId, int? subject, DateOnly? countFrom = null)
        {
            if (task.Deadline is not { } rule)
            {
                return null;
            }
            var clock = context.ClockFor(organizationId);
            var today = countFrom ?? clock.LocalDate(context.Now);
            if (rule.AfterDuration is { } after)
            {
                return clock.DueDateAfter(today, after);
            }
            DateOnly? from = rule.From switch
            {
                DeadlineSources.TopicDeadline => item.TopicDeadline,
                DeadlineSources.ItemDeadline => item.ItemDueDate,
                DeadlineSources.SubjectDue => SubjectOf(task, item, subject)?.DueDate,
                _ => null,
            };
            if (from is not { } date)
            {
                return null;
            }
            var due = rule.OffsetDuration is { } offset ? clock.DueDateAfter(date, offset) : date;
            // An offset before a short item deadline can fall in the past; the task is then due today, not born overdue.
            return rule.OffsetDuration is not null && due < today ? today : due;
        }

        private TaskOpening Open(TaskDefinition task, long organizationId, int? subject, ProposalInstance item, DateTimeOffset? openedAt = null)
        {
            var due = DueDate(task, item, organizationId, subject, openedAt is { } first ? context.ClockFor(organizationId).LocalDate(first) : null);
            var reminders = new List<ReminderSchedule>();
            DateTimeOffset? dueAt = null;
            if (due is { } dueDate)
            {
                var clock = context.ClockFor(organizationId);
                dueAt = clock.OverdueAt(dueDate);
                (DateTimeOffset At, ReminderRule Rule)? latestPassed = null;
                foreach (var reminder in task.Reminders)
                {
                    var at = clock.ReminderAt(clock.DueDateAfter(dueDate, reminder.BeforeDuration.Negate()));
                    if (at > context.Now)
                    {
                        reminders.Add(new ReminderSchedule("reminder", at, Audience(Resolve(reminder.Notify, task, organizationId, item, []), item), null, false));
                    }
                    else if (latestPassed is null || at > latestPassed.Value.At)
                    {
                        latestPassed = (at, reminder);
                    }
                }
                // A task opened after some of its reminder moments (a short deadline) still gets one reminder, at once:
                // the latest one that passed, never a burst of all of them. Once the task is overdue the ladder speaks instead.
                if (latestPassed is { } caughtUp && task.CatchUpReminders != false && context.Now < dueAt)
                {
                    reminders.Insert(0, new ReminderSchedule("reminder", context.Now, Audience(Resolve(caughtUp.Rule.Notify, task, organizationId, item, []), item), null, false));
                }
                foreach (var rung in task.Escalation)
                {
                    var at = clock.OverdueAt(clock.DueDateAfter(dueDate, rung.AfterDuration));
                    reminders.Add(new ReminderSchedule(rung.Level, at, Audience(Resolve(rung.Notify, task, organizationId, item, []), item), DeadlineRule.Parse(rung.Repeat), rung.FlagKey));
                }
            }
            var name = SubjectOf(task, item, subject) is { } about ? $"{task.Name}：{about.Title}" : task.Name;
            return new TaskOpening(task.Id, name, organizationId, task.Roles, due, dueAt, reminders) { OpenedAt = openedAt, Subject = subject };
        }

        // While an item is still in its party's hands nobody else may read of it, so a notice the definition addresses to
        // others (the committee on an overdue draft, say) goes to the party's own people only.
        // Invited and co-signing parties are let in: they were asked to read the draft.
        private List<Recipient> Audience(List<Recipient> recipients, ProposalInstance item)
        {
            var partyOnly = definition.PartyOnlyStates();
            if (!partyOnly.Contains(before.State) || !partyOnly.Contains(item.State))
            {
                return recipients;
            }
            var parties = item.Cosigners.Where(c => c.Status != CosignStatus.Declined).Select(c => c.OrganizationId).Append(item.PartyId).ToHashSet();
            return recipients.Where(r => r.OrganizationId is { } org && parties.Contains(org)).ToList();
        }

        public static List<Recipient> Resolve(IEnumerable<string> names, TaskDefinition? task, long? taskOrganization, ProposalInstance item, IEnumerable<(long OrganizationId, IReadOnlyList<string> Roles)> taskAssignees)
        {
            var result = new List<Recipient>();
            void Add(Recipient r)
            {
                if (!result.Contains(r))
                {
                    result.Add(r);
                }
            }
            void AddOrg(long org, IReadOnlyList<string> roles)
            {
                if (roles.Count == 0)
                {
                    Add(new Recipient(org, null, null));
                }
                foreach (var role in roles)
                {
                    Add(new Recipient(org, null, role));
                }
            }
            foreach (var name in names)
            {
                switch (name)
                {
                    case Recipients.Assignee when task is not null && taskOrganization is { } org:
                        AddOrg(org, task.Roles);
                        break;
                    case Recipients.PartyAdmin:
                        foreach (var party in item.Parties)
                        {
                            Add(new Recipient(party, null, Roles.PartyAdmin));
                        }
                        break;
                    case Recipients.InvitedParties:
                        foreach (var invited in item.Cosigners.Where(c => c.IsOpen))
                        {
                            Add(new Recipient(invited.OrganizationId, null, Roles.PartyAdmin));
                        }
                        break;
                    case Recipients.PartyMember:
                        Add(new Recipient(item.PartyId, null, Roles.PartyMember));
                        break;
                    case Recipients.Committee:
                        Add(new Recipient(null, OrganizationKind.Committee, Roles.Committee));
                        break;
                    case Recipients.Government:
                        Add(new Recipient(null, OrganizationKind.Government, Roles.Government));
                        break;
                    case Recipients.Supervisor:
                        Add(new Recipient(null, OrganizationKind.Supervision, Roles.Supervisor));
                        break;
                    case Recipients.LeadDepartment when item.Lead is { } lead:
                        Add(new Recipient(lead.OrganizationId, null, Roles.Department));
                        break;
                    case Recipients.AssignedDepartments:
                        foreach (var a in item.ActiveAssignments)
                        {
                            Add(new Recipient(a.OrganizationId, null, Roles.Department));
                        }
                        break;
                    case Recipients.TaskAssignees:
                        foreach (var (org, roles) in taskAssignees)
                        {
                            AddOrg(org, roles);
                        }
                        break;
                }
            }
            return result;
        }

        public List<NotificationMessage> NotifyNewTasks(ProposalInstance item, IEnumerable<TaskOpening> opened)
        {
            var messages = new List<NotificationMessage>();
            foreach (var task in opened)
            {
                var due = task.DueDate is { } d ? $"，办理期限 {d:yyyy-MM-dd}" : "";
                foreach (var recipient in Resolve([Recipients.Assignee], definition.Task(task.TaskId), task.OrganizationId, item, []))
                {
                    messages.Add(new NotificationMessage(recipient, "task-opened", $"新待办：{task.Name}", $"《{item.Title}》需要{context.NameOf(task.OrganizationId)}{task.Name}{due}。"));
                }
            }
            return messages;
        }

        public IEnumerable<NotificationMessage> NotifyAction(ActionDefinition action, ProposalInstance item, IReadOnlyList<OpenTask> remaining, IReadOnlyList<TaskOpening> opened, string? comment, JsonObject data)
        {
            if (action.Notify.Count == 0)
            {
                return [];
            }
            var assignees = remaining.Select(t => (t.OrganizationId, definition.Task(t.TaskId).Roles))
                .Concat(opened.Select(t => (t.OrganizationId, t.Roles)));
            var message = data["message"]?.GetValue<string>() ?? data["reason"]?.GetValue<string>() ?? comment;
            var body = $"{context.NameOf(actor.OrganizationId)} {actor.DisplayName}对《{item.Title}》执行了“{action.Name}”。" + (string.IsNullOrWhiteSpace(message) ? "" : $"说明：{message}");
            return Audience(Resolve(action.Notify, null, null, item, assignees), item)
                .Select(r => new NotificationMessage(r, action.Id, $"{action.Name}：《{Shorten(item.Title)}》", body));
        }

        private static string Shorten(string title, int limit = 40) => title.Length <= limit ? title : title[..limit] + "…";
    }
}
