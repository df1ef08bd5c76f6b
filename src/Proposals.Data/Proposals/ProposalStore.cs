using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Proposals.Data.Dialects;
using Proposals.Engine.Definitions;
using Proposals.Engine.Execution;

namespace Proposals.Data.Proposals;

/// <summary>Proposals with their assignments, tasks, reminders, outbox and audit trail; each transition is one transaction.</summary>
public sealed class ProposalStore(Database database)
{
    public const int MaxPageSize = 100;

    private sealed class ProposalRow
    {
        public long Id { get; init; }
        public string WorkflowId { get; init; } = "";
        public int WorkflowVersion { get; init; }
        public string State { get; init; } = "";
        public string Stage { get; init; } = "";
        public bool IsOpen { get; init; }
        public int Version { get; init; }
        public long PartyId { get; init; }
        public long? TopicId { get; init; }
        public DateOnly? TopicDeadline { get; init; }
        public int Year { get; init; }
        public string Title { get; init; } = "";
        public string Summary { get; init; } = "";
        public string Body { get; init; } = "";
        public int Round { get; init; }
        public bool KeySupervision { get; init; }
        public DateOnly? ItemDueDate { get; init; }
        public DateOnly? ExtensionDueDate { get; init; }
        public string? ExtensionReason { get; init; }
        public DateTime? ExtensionRequestedAt { get; init; }
        public long CreatedBy { get; init; }
        public DateTime CreatedAt { get; init; }
        public DateTime UpdatedAt { get; init; }
        public DateOnly? NextDueDate { get; init; }
        public int Revision { get; init; } = 1;
        public int PlanVersion { get; init; }
        public string? PlanText { get; init; }
        public int? RecordedPercent { get; init; }
        public int? ContactRound { get; init; }
    }

    private sealed class MilestoneRow
    {
        public int Number { get; init; }
        public int PlanVersion { get; init; }
        public string Title { get; init; } = "";
        public DateOnly DueDate { get; init; }
        public DateTime? CompletedAt { get; init; }
        public DateTime? CancelledAt { get; init; }
    }

    private sealed class CommitmentRow
    {
        public long Id { get; init; }
        public int Number { get; init; }
        public int Round { get; init; }
        public long OrganizationId { get; init; }
        public string Text { get; init; } = "";
        public DateOnly DueDate { get; init; }
        public DateTime MadeAt { get; init; }
        public DateTime? FulfilledAt { get; init; }
        public string? FulfilmentText { get; init; }
    }

    private sealed class CosignerRow
    {
        public long OrganizationId { get; init; }
        public string Status { get; init; } = "";
        public DateTime InvitedAt { get; init; }
        public DateTime? AnsweredAt { get; init; }
        public int? EvaluatedRound { get; init; }
        public string? Rating { get; init; }
    }

    private sealed class RevisionRow
    {
        public int Number { get; init; }
        public string Title { get; init; } = "";
        public string Summary { get; init; } = "";
        public string Body { get; init; } = "";
        public long? TopicId { get; init; }
        public long ActorUserId { get; init; }
        public string ActorName { get; init; } = "";
        public DateTime At { get; init; }
        public int AuditSequence { get; init; }

        public RevisionRecord ToRecord() => new(Number, Title, Summary, Body, TopicId, ActorUserId, ActorName, DateValues.Load(At), AuditSequence);
    }

    private sealed class AssignmentRow
    {
        public long OrganizationId { get; init; }
        public bool IsLead { get; init; }
        public DateTime AssignedAt { get; init; }
        public DateTime? SignedAt { get; init; }
        public DateTime? OpinionAt { get; init; }
        public DateTime? EndedAt { get; init; }
        public string? EndReason { get; init; }
    }

    private sealed class TaskRow
    {
        public long Id { get; init; }
        public long ProposalId { get; init; }
        public string TaskId { get; init; } = "";
        public string Name { get; init; } = "";
        public long OrganizationId { get; init; }
        public string Roles { get; init; } = "";
        public int Round { get; init; }
        public DateTime OpenedAt { get; init; }
        public DateOnly? DueDate { get; init; }
        public DateTime? DueAt { get; init; }
        public int? Subject { get; init; }

        public TaskView ToView() => new(Id, ProposalId, TaskId, Name, OrganizationId, SplitRoles(Roles), Round, DateValues.Load(OpenedAt), DueDate, DateValues.Load(DueAt), Subject);
    }

    private sealed class IdempotencyRow
    {
        public string RequestHash { get; init; } = "";
        public long? ProposalId { get; init; }
        public int StatusCode { get; init; }
        public string Body { get; init; } = "";
    }

    private sealed class EventRow
    {
        public long Sequence { get; init; }
        public string Action { get; init; } = "";
        public long ActorUserId { get; init; }
        public string ActorName { get; init; } = "";
        public long OrganizationId { get; init; }
        public DateTime At { get; init; }
        public string? Comment { get; init; }
        public string Data { get; init; } = "{}";
        public string FromState { get; init; } = "";
        public string ToState { get; init; } = "";
        public int WorkflowVersion { get; init; }
    }

    private static HistoryEvent ToHistoryEvent(EventRow r) =>
        new(r.Sequence, r.Action, r.ActorUserId, r.ActorName, r.OrganizationId, DateValues.Load(r.At), r.Comment,
            JsonNode.Parse(r.Data) as JsonObject ?? [], r.FromState, r.ToState, r.WorkflowVersion);

    private const string SelectProposal = """
        SELECT p.id AS Id, p.workflow_id AS WorkflowId, p.workflow_version AS WorkflowVersion, p.state AS State, p.stage AS Stage,
               p.is_open AS IsOpen, p.version AS Version, p.party_id AS PartyId, p.topic_id AS TopicId, p.topic_deadline AS TopicDeadline,
               p.year AS Year, p.title AS Title, p.summary AS Summary, p.body AS Body, p.round AS Round, p.key_supervision AS KeySupervision,
               p.item_due_date AS ItemDueDate, p.extension_due_date AS ExtensionDueDate, p.extension_reason AS ExtensionReason,
               p.extension_requested_at AS ExtensionRequestedAt, p.created_by AS CreatedBy, p.created_at AS CreatedAt, p.updated_at AS UpdatedAt,
               p.revision AS Revision, p.plan_version AS PlanVersion, p.plan_text AS PlanText, p.recorded_percent AS RecordedPercent,
               p.contact_round AS ContactRound
        FROM proposals p
        """;

    private const string SelectTasks = """
        SELECT t.id AS Id, t.proposal_id AS ProposalId, t.task_id AS TaskId, t.name AS Name, t.organization_id AS OrganizationId,
               t.roles AS Roles, t.round AS Round, t.opened_at AS OpenedAt, t.due_date AS DueDate, t.due_at AS DueAt, t.subject AS Subject
        FROM tasks t
        """;

    /// <summary>A proposal the viewer may see, with its assignments and open tasks; null when it does not exist or is not theirs.</summary>
    public async Task<ProposalRecord?> FindAsync(long id, Viewer viewer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ProposalRow>(new CommandDefinition(
            $"{SelectProposal} WHERE p.id = @id AND {viewer.ProposalFilter}",
            new { id, ViewerOrganizationId = viewer.OrganizationId }, cancellationToken: cancellationToken));
        return row is null ? null : await CompleteAsync(connection, null, row, cancellationToken);
    }

    /// <summary>
    /// The open items with an open task due from <paramref name="from"/> to <paramref name="to"/> (both included) that is
    /// not overdue at <paramref name="now"/>: the ones whose deadlines a calendar loaded for those dates may move.
    /// </summary>
    public async Task<IReadOnlyList<long>> WithOpenTasksDueBetweenAsync(DateOnly from, DateOnly to, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var ids = await connection.QueryAsync<long>(new CommandDefinition(
            """
            SELECT DISTINCT p.id FROM proposals p JOIN tasks t ON t.proposal_id = p.id
            WHERE p.is_open = @Open AND t.closed_at IS NULL AND t.due_date >= @from AND t.due_date <= @to AND t.due_at > @now
            ORDER BY p.id
            """, new { Open = true, from, to, now = now.UtcDateTime }, cancellationToken: cancellationToken));
        return ids.ToList();
    }

    /// <summary>The open tasks of a proposal, with their names and roles.</summary>
    public async Task<IReadOnlyList<TaskView>> OpenTasksAsync(long proposalId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<TaskRow>(new CommandDefinition(
            $"{SelectTasks} WHERE t.proposal_id = @proposalId AND t.closed_at IS NULL ORDER BY t.id", new { proposalId }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToView()).ToList();
    }

    private static async Task<ProposalRecord> CompleteAsync(DbConnection connection, DbTransaction? transaction, ProposalRow row, CancellationToken cancellationToken)
    {
        var assignments = await connection.QueryAsync<AssignmentRow>(new CommandDefinition(
            """
            SELECT organization_id AS OrganizationId, is_lead AS IsLead, assigned_at AS AssignedAt, signed_at AS SignedAt,
                   opinion_at AS OpinionAt, ended_at AS EndedAt, end_reason AS EndReason
            FROM proposal_departments WHERE proposal_id = @Id ORDER BY seq
            """, new { row.Id }, transaction, cancellationToken: cancellationToken));
        var tasks = await connection.QueryAsync<TaskRow>(new CommandDefinition(
            $"{SelectTasks} WHERE t.proposal_id = @Id AND t.closed_at IS NULL ORDER BY t.id", new { row.Id }, transaction, cancellationToken: cancellationToken));
        var cosigners = await connection.QueryAsync<CosignerRow>(new CommandDefinition(
            """
            SELECT organization_id AS OrganizationId, status AS Status, invited_at AS InvitedAt, answered_at AS AnsweredAt,
                   evaluated_round AS EvaluatedRound, rating AS Rating
            FROM proposal_cosigners WHERE proposal_id = @Id ORDER BY invited_at, organization_id
            """, new { row.Id }, transaction, cancellationToken: cancellationToken));
        var milestones = row.PlanVersion == 0 ? [] : await connection.QueryAsync<MilestoneRow>(new CommandDefinition(
            """
            SELECT number AS Number, plan_version AS PlanVersion, title AS Title, due_date AS DueDate, completed_at AS CompletedAt, cancelled_at AS CancelledAt
            FROM proposal_milestones WHERE proposal_id = @Id ORDER BY number
            """, new { row.Id }, transaction, cancellationToken: cancellationToken));
        var commitments = await connection.QueryAsync<CommitmentRow>(new CommandDefinition(
            """
            SELECT id AS Id, number AS Number, round AS Round, organization_id AS OrganizationId, text AS Text, due_date AS DueDate, made_at AS MadeAt,
                   fulfilled_at AS FulfilledAt, fulfilment_text AS FulfilmentText
            FROM proposal_commitments WHERE proposal_id = @Id ORDER BY number
            """, new { row.Id }, transaction, cancellationToken: cancellationToken));
        // The events the item shows in sections of their own: leader instructions (given with the adoption or later),
        // every version of the plan and its completed milestones, and the departments' contact with the party.
        var notes = await connection.QueryAsync<EventRow>(new CommandDefinition(
            """
            SELECT e.sequence AS Sequence, e.action AS Action, e.actor_user_id AS ActorUserId, e.actor_name AS ActorName, e.organization_id AS OrganizationId,
                   e.at AS At, e.comment AS Comment, e.data AS Data, e.from_state AS FromState, e.to_state AS ToState, e.workflow_version AS WorkflowVersion
            FROM audit_events e
            WHERE e.proposal_id = @Id AND e.action IN ('adopt', 'instruct', 'plan', 'complete-milestone', 'record-contact')
            ORDER BY e.sequence
            """, new { row.Id }, transaction, cancellationToken: cancellationToken));
        var instance = new ProposalInstance
        {
            Id = row.Id,
            WorkflowId = row.WorkflowId,
            WorkflowVersion = row.WorkflowVersion,
            State = row.State,
            Version = row.Version,
            PartyId = row.PartyId,
            TopicId = row.TopicId,
            TopicDeadline = row.TopicDeadline,
            Title = row.Title,
            Summary = row.Summary,
            Body = row.Body,
            Revision = row.Revision,
            Round = row.Round,
            KeySupervision = row.KeySupervision,
            ItemDueDate = row.ItemDueDate,
            PendingExtension = row.ExtensionDueDate is { } due
                ? new ExtensionRequest(due, row.ExtensionReason ?? "", DateValues.Load(row.ExtensionRequestedAt ?? row.UpdatedAt))
                : null,
            Assignments = assignments.Select(a => new Assignment(a.OrganizationId, a.IsLead, DateValues.Load(a.AssignedAt),
                DateValues.Load(a.SignedAt), DateValues.Load(a.OpinionAt), DateValues.Load(a.EndedAt), a.EndReason)).ToList(),
            OpenTasks = tasks.Select(t => new OpenTask(t.Id, t.TaskId, t.OrganizationId, t.DueDate, DateValues.Load(t.OpenedAt), t.Subject)).ToList(),
            Cosigners = cosigners.Select(c => new Cosigner(c.OrganizationId, c.Status, DateValues.Load(c.InvitedAt), DateValues.Load(c.AnsweredAt),
                c.EvaluatedRound, c.Rating)).ToList(),
            PlanVersion = row.PlanVersion,
            PlanText = row.PlanText,
            RecordedPercent = row.RecordedPercent,
            ContactRound = row.ContactRound,
            Milestones = milestones.Select(m => new Milestone(m.Number, m.PlanVersion, m.Title, m.DueDate, DateValues.Load(m.CompletedAt), DateValues.Load(m.CancelledAt))).ToList(),
            Commitments = commitments.Select(c => new Commitment(c.Number, c.Round, c.OrganizationId, c.Text, c.DueDate, DateValues.Load(c.MadeAt),
                DateValues.Load(c.FulfilledAt), c.FulfilmentText)).ToList(),
        };
        return new ProposalRecord(instance, row.Stage, row.IsOpen, row.Year, row.Summary, row.Body, row.CreatedBy, DateValues.Load(row.CreatedAt), DateValues.Load(row.UpdatedAt))
        {
            Notes = notes.Select(ToHistoryEvent).ToList(),
            CommitmentIds = commitments.ToDictionary(c => c.Number, c => c.Id),
        };
    }

    /// <summary>Writes a new proposal from the engine's start transition and returns its id.</summary>
    public async Task<long> CreateAsync(WorkflowDefinition definition, Transition start, string summary, string body, int year, DateTimeOffset now, CancellationToken cancellationToken, IdempotencyRecord? idempotency = null) =>
        (await CreateCoreAsync(definition, start, summary, body, year, now, idempotency, null, cancellationToken)).Id;

    /// <summary>Writes a new proposal and, in the same transaction, its answer (kept under the rule's Idempotency-Key, if any).</summary>
    public Task<(long Id, string? Answer)> CreateAnsweredAsync(WorkflowDefinition definition, Transition start, string summary, string body, int year, DateTimeOffset now, AnswerRule answer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return CreateCoreAsync(definition, start, summary, body, year, now, null, answer, cancellationToken);
    }

    private async Task<(long Id, string? Answer)> CreateCoreAsync(
        WorkflowDefinition definition, Transition start, string summary, string body, int year, DateTimeOffset now, IdempotencyRecord? idempotency, AnswerRule? answer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(start);
        var item = start.After;
        var state = definition.State(item.State);
        return await database.InRetriedTransactionAsync<(long, string?)>(async (connection, transaction) =>
        {
            var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                database.Dialect.InsertReturningId("proposals",
                    "workflow_id, workflow_version, state, stage, is_open, version, party_id, topic_id, topic_deadline, year, title, summary, body, round, key_supervision, item_due_date, created_by, created_at, updated_at, shared_at",
                    "@WorkflowId, @WorkflowVersion, @State, @Stage, @IsOpen, @Version, @PartyId, @TopicId, @TopicDeadline, @Year, @Title, @Summary, @Body, @Round, @KeySupervision, @ItemDueDate, @CreatedBy, @Now, @Now, @SharedAt"),
                new
                {
                    item.WorkflowId, item.WorkflowVersion, item.State, Stage = state.Stage, IsOpen = !state.Final, item.Version, item.PartyId, item.TopicId,
                    item.TopicDeadline, Year = year, item.Title, Summary = summary, Body = body, item.Round, item.KeySupervision, item.ItemDueDate,
                    CreatedBy = start.Audit.ActorUserId, Now = now.UtcDateTime, SharedAt = SharedAt(definition, item.State, now),
                }, transaction, cancellationToken: cancellationToken));
            await WriteRevisionAsync(connection, transaction, id, start, now, cancellationToken);
            await WriteEffectsAsync(connection, transaction, id, start, now, cancellationToken);
            var text = await AnswerAsync(connection, transaction, id, idempotency, answer, now, cancellationToken);
            return (true, (id, text));
        }, cancellationToken);
    }

    /// <summary>
    /// Writes a transition if the proposal is still at the version the engine saw. Returns false, writing
    /// nothing, when another action got there first.
    /// </summary>
    public async Task<bool> ApplyAsync(WorkflowDefinition definition, Transition transition, IdempotencyRecord? idempotency, DateTimeOffset now, CancellationToken cancellationToken) =>
        (await ApplyCoreAsync(definition, transition, idempotency, null, now, cancellationToken)).Applied;

    /// <summary>
    /// Writes a transition as <see cref="ApplyAsync"/> does and, in the same transaction, its answer, kept under the rule's
    /// Idempotency-Key if any; null when another action got there first.
    /// </summary>
    public async Task<string?> ApplyAnsweredAsync(WorkflowDefinition definition, Transition transition, DateTimeOffset now, AnswerRule answer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var (applied, text) = await ApplyCoreAsync(definition, transition, null, answer, now, cancellationToken);
        return applied ? text : null;
    }

    private async Task<(bool Applied, string? Answer)> ApplyCoreAsync(
        WorkflowDefinition definition, Transition transition, IdempotencyRecord? idempotency, AnswerRule? answer, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(transition);
        var before = transition.Before ?? throw new ArgumentException("A transition of an existing proposal has a before state.", nameof(transition));
        var item = transition.After;
        var state = definition.State(item.State);
        return await database.InRetriedTransactionAsync<(bool, string?)>(async (connection, transaction) =>
        {
            var changed = await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE proposals
                SET state = @State, stage = @Stage, is_open = @IsOpen, version = @Version, round = @Round, key_supervision = @KeySupervision,
                    item_due_date = @ItemDueDate, extension_due_date = @ExtensionDueDate, extension_reason = @ExtensionReason,
                    extension_requested_at = @ExtensionRequestedAt, updated_at = @Now, shared_at = COALESCE(shared_at, @SharedAt),
                    plan_version = @PlanVersion, plan_text = @PlanText, recorded_percent = @RecordedPercent, contact_round = @ContactRound
                WHERE id = @Id AND version = @ExpectedVersion
                """,
                new
                {
                    item.State, Stage = state.Stage, IsOpen = !state.Final, item.Version, item.Round, item.KeySupervision, item.ItemDueDate,
                    item.PlanVersion, item.PlanText, item.RecordedPercent, item.ContactRound,
                    ExtensionDueDate = item.PendingExtension?.NewDueDate, ExtensionReason = item.PendingExtension?.Reason,
                    ExtensionRequestedAt = DateValues.Store(item.PendingExtension?.RequestedAt), Now = now.UtcDateTime,
                    SharedAt = SharedAt(definition, item.State, now), before.Id, ExpectedVersion = before.Version,
                }, transaction, cancellationToken: cancellationToken));
            if (changed == 0)
            {
                return (false, (false, null));
            }
            if (!before.Assignments.SequenceEqual(item.Assignments))
            {
                await WriteAssignmentsAsync(connection, transaction, before.Id, item.Assignments, cancellationToken);
            }
            if (!before.Cosigners.SequenceEqual(item.Cosigners))
            {
                await WriteCosignersAsync(connection, transaction, before.Id, item.Cosigners, cancellationToken);
            }
            if (!before.Milestones.SequenceEqual(item.Milestones))
            {
                await WriteMilestonesAsync(connection, transaction, before.Id, before.Milestones, item.Milestones, cancellationToken);
            }
            if (!before.Commitments.SequenceEqual(item.Commitments))
            {
                await WriteCommitmentsAsync(connection, transaction, before.Id, before.Commitments, item.Commitments, cancellationToken);
            }
            if (item.Revision != before.Revision)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    UPDATE proposals
                    SET title = @Title, summary = @Summary, body = @Body, revision = @Revision, topic_id = @TopicId, topic_deadline = @TopicDeadline,
                        year = COALESCE((SELECT t.year FROM topics t WHERE t.id = @TopicId), year)
                    WHERE id = @Id
                    """,
                    new { item.Title, item.Summary, item.Body, item.Revision, item.TopicId, item.TopicDeadline, before.Id }, transaction, cancellationToken: cancellationToken));
                await WriteRevisionAsync(connection, transaction, before.Id, transition, now, cancellationToken);
            }
            await WriteEffectsAsync(connection, transaction, before.Id, transition, now, cancellationToken);
            // Bound with the event that names them; a file bound or deleted meanwhile rolls the whole action back.
            if (!await Attachments.AttachmentStore.MarkBoundAsync(connection, transaction, database.Dialect, before.Id, item.Version, transition.Audit.Action, transition.AttachmentIds, cancellationToken))
            {
                return (false, (false, null));
            }
            var text = await AnswerAsync(connection, transaction, before.Id, idempotency, answer, now, cancellationToken);
            return (true, (true, text));
        }, cancellationToken);
    }

    // The answer is made from the item as this transaction left it, and kept with its key before the commit: a caller
    // whose connection dies after the commit, or who sends the key again, gets exactly this answer.
    private static async Task<string?> AnswerAsync(
        DbConnection connection, DbTransaction transaction, long id, IdempotencyRecord? idempotency, AnswerRule? answer, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (answer is null)
        {
            if (idempotency is not null)
            {
                await RememberAsync(connection, transaction, idempotency, id, now, cancellationToken);
            }
            return null;
        }
        var row = await connection.QuerySingleOrDefaultAsync<ProposalRow>(new CommandDefinition(
            $"{SelectProposal} WHERE p.id = @id", new { id }, transaction, cancellationToken: cancellationToken))
            ?? throw new InvalidOperationException($"Proposal {id} cannot be read in the transaction that wrote it.");
        var record = await CompleteAsync(connection, transaction, row, cancellationToken);
        var tasks = await connection.QueryAsync<TaskRow>(new CommandDefinition(
            $"{SelectTasks} WHERE t.proposal_id = @id AND t.closed_at IS NULL ORDER BY t.id", new { id }, transaction, cancellationToken: cancellationToken));
        var files = await Attachments.AttachmentStore.ListInAsync(connection, transaction, id, cancellationToken);
        var text = answer.Body(new StoredItem(record, tasks.Select(t => t.ToView()).ToList(), files));
        if (answer.Idempotency is { } key)
        {
            await RememberAsync(connection, transaction, key with { Body = text }, id, now, cancellationToken);
        }
        return text;
    }

    // Stamped once, when the item first enters a state outside its party's hands; it stays shared whatever follows.
    private static DateTime? SharedAt(WorkflowDefinition definition, string state, DateTimeOffset now) =>
        definition.PartyOnlyStates().Contains(state) ? null : now.UtcDateTime;

    private static Task<int> RememberAsync(DbConnection connection, DbTransaction transaction, IdempotencyRecord idempotency, long proposalId, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO idempotency_keys (user_id, idempotency_key, request_hash, proposal_id, status_code, response_body, created_at)
            VALUES (@UserId, @Key, @RequestHash, @ProposalId, @StatusCode, @Body, @Now)
            """,
            new { idempotency.UserId, idempotency.Key, idempotency.RequestHash, ProposalId = proposalId, idempotency.StatusCode, idempotency.Body, Now = now.UtcDateTime },
            transaction, cancellationToken: cancellationToken));

    private static async Task WriteAssignmentsAsync(DbConnection connection, DbTransaction transaction, long proposalId, IReadOnlyList<Assignment> assignments, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM proposal_departments WHERE proposal_id = @proposalId", new { proposalId }, transaction, cancellationToken: cancellationToken));
        for (var seq = 0; seq < assignments.Count; seq++)
        {
            var a = assignments[seq];
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO proposal_departments (proposal_id, organization_id, is_lead, assigned_at, signed_at, opinion_at, ended_at, end_reason, seq)
                VALUES (@proposalId, @OrganizationId, @IsLead, @AssignedAt, @SignedAt, @OpinionAt, @EndedAt, @EndReason, @seq)
                """,
                new
                {
                    proposalId, a.OrganizationId, a.IsLead, AssignedAt = DateValues.Store(a.AssignedAt), SignedAt = DateValues.Store(a.SignedAt),
                    OpinionAt = DateValues.Store(a.OpinionAt), EndedAt = DateValues.Store(a.EndedAt), a.EndReason, seq,
                }, transaction, cancellationToken: cancellationToken));
        }
    }

    // The revision's event is the transition's own: its sequence is the item's new version.
    private static Task<int> WriteRevisionAsync(DbConnection connection, DbTransaction transaction, long proposalId, Transition transition, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var item = transition.After;
        return connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO proposal_revisions (proposal_id, number, title, summary, body, topic_id, actor_user_id, actor_name, at, audit_sequence)
            VALUES (@proposalId, @Revision, @Title, @Summary, @Body, @TopicId, @ActorUserId, @ActorName, @At, @Sequence)
            """,
            new
            {
                proposalId, item.Revision, item.Title, item.Summary, item.Body, item.TopicId, transition.Audit.ActorUserId, transition.Audit.ActorName,
                At = AuditChain.StoredInstant(now), Sequence = item.Version,
            }, transaction, cancellationToken: cancellationToken));
    }

    private static async Task WriteCosignersAsync(DbConnection connection, DbTransaction transaction, long proposalId, IReadOnlyList<Cosigner> cosigners, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM proposal_cosigners WHERE proposal_id = @proposalId", new { proposalId }, transaction, cancellationToken: cancellationToken));
        foreach (var c in cosigners)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO proposal_cosigners (proposal_id, organization_id, status, invited_at, answered_at, evaluated_round, rating)
                VALUES (@proposalId, @OrganizationId, @Status, @InvitedAt, @AnsweredAt, @EvaluatedRound, @Rating)
                """,
                new
                {
                    proposalId, c.OrganizationId, c.Status, InvitedAt = DateValues.Store(c.InvitedAt), AnsweredAt = DateValues.Store(c.AnsweredAt),
                    c.EvaluatedRound, c.Rating,
                }, transaction, cancellationToken: cancellationToken));
        }
    }

    // Rows are kept, never rewritten wholesale: a commitment's id is its address in the API.
    private static async Task WriteMilestonesAsync(DbConnection connection, DbTransaction transaction, long proposalId, IReadOnlyList<Milestone> before, IReadOnlyList<Milestone> after, CancellationToken cancellationToken)
    {
        foreach (var m in after.Except(before))
        {
            var parameters = new
            {
                proposalId, m.Number, m.PlanVersion, m.Title, m.DueDate, CompletedAt = DateValues.Store(m.CompletedAt), CancelledAt = DateValues.Store(m.CancelledAt),
            };
            var sql = before.Any(b => b.Number == m.Number)
                ? "UPDATE proposal_milestones SET completed_at = @CompletedAt, cancelled_at = @CancelledAt WHERE proposal_id = @proposalId AND number = @Number"
                : """
                  INSERT INTO proposal_milestones (proposal_id, number, plan_version, title, due_date, completed_at, cancelled_at)
                  VALUES (@proposalId, @Number, @PlanVersion, @Title, @DueDate, @CompletedAt, @CancelledAt)
                  """;
            await connection.ExecuteAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken));
        }
    }

    private static async Task WriteCommitmentsAsync(DbConnection connection, DbTransaction transaction, long proposalId, IReadOnlyList<Commitment> before, IReadOnlyList<Commitment> after, CancellationToken cancellationToken)
    {
        foreach (var c in after.Except(before))
        {
            var parameters = new
            {
                proposalId, c.Number, c.Round, c.OrganizationId, c.Text, c.DueDate, MadeAt = DateValues.Store(c.MadeAt),
                FulfilledAt = DateValues.Store(c.FulfilledAt), c.FulfilmentText,
            };
            var sql = before.Any(b => b.Number == c.Number)
                ? "UPDATE proposal_commitments SET fulfilled_at = @FulfilledAt, fulfilment_text = @FulfilmentText WHERE proposal_id = @proposalId AND number = @Number"
                : """
                  INSERT INTO proposal_commitments (proposal_id, number, round, organization_id, text, due_date, made_at, fulfilled_at, fulfilment_text)
                  VALUES (@proposalId, @Number, @Round, @OrganizationId, @Text, @DueDate, @MadeAt, @FulfilledAt, @FulfilmentText)
                  """;
            await connection.ExecuteAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken));
        }
    }

    /// <summary>The numbered revisions of a proposal's text the viewer may see, oldest first; none when the item is not theirs.</summary>
    public async Task<IReadOnlyList<RevisionRecord>> RevisionsAsync(long proposalId, Viewer viewer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<RevisionRow>(new CommandDefinition(
            $"""
            SELECT r.number AS Number, r.title AS Title, r.summary AS Summary, r.body AS Body, r.topic_id AS TopicId, r.actor_user_id AS ActorUserId,
                   r.actor_name AS ActorName, r.at AS At, r.audit_sequence AS AuditSequence
            FROM proposal_revisions r JOIN proposals p ON p.id = r.proposal_id
            WHERE r.proposal_id = @proposalId AND {viewer.ProposalFilter}
            ORDER BY r.number
            """, new { proposalId, ViewerOrganizationId = viewer.OrganizationId }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    private async Task WriteEffectsAsync(DbConnection connection, DbTransaction transaction, long proposalId, Transition transition, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var utcNow = now.UtcDateTime;
        foreach (var closing in transition.ClosedTasks)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE tasks SET closed_at = @utcNow, close_reason = @Reason WHERE id = @TaskRowId AND closed_at IS NULL",
                new { utcNow, closing.Reason, closing.TaskRowId }, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE reminders SET status = 'cancelled' WHERE task_row_id = @TaskRowId AND status = 'pending'",
                new { closing.TaskRowId }, transaction, cancellationToken: cancellationToken));
        }
        foreach (var task in transition.OpenedTasks)
        {
            var taskRowId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                database.Dialect.InsertReturningId("tasks", "proposal_id, task_id, name, organization_id, roles, round, opened_at, due_date, due_at, subject",
                    "@proposalId, @TaskId, @Name, @OrganizationId, @Roles, @Round, @OpenedAt, @DueDate, @DueAt, @Subject"),
                new
                {
                    proposalId, task.TaskId, task.Name, task.OrganizationId, Roles = string.Join(',', task.Roles), transition.After.Round, task.Subject,
                    OpenedAt = task.OpenedAt?.UtcDateTime ?? utcNow,
                    task.DueDate, DueAt = DateValues.Store(task.DueAt),
                }, transaction, cancellationToken: cancellationToken));
            foreach (var reminder in task.Reminders)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO reminders (proposal_id, task_row_id, level, due_at, recipients, repeat_every, flag_key, status, created_at)
                    VALUES (@proposalId, @taskRowId, @Level, @DueAt, @Recipients, @Repeat, @FlagKey, 'pending', @utcNow)
                    """,
                    new
                    {
                        proposalId, taskRowId, reminder.Level, DueAt = DateValues.Store(reminder.DueAt),
                        Recipients = JsonSerializer.Serialize(reminder.Recipients, JsonOptions), Repeat = reminder.Repeat?.ToString(), reminder.FlagKey, utcNow,
                    }, transaction, cancellationToken: cancellationToken));
            }
        }
        foreach (var message in transition.Notifications)
        {
            var notice = new Reminders.ReminderNotice(
                message.Recipient.OrganizationId,
                message.Recipient.OrganizationKind is { } kind ? Organizations.OrganizationStore.KindText(kind) : null,
                message.Recipient.Role, message.Kind, message.Title, message.Body);
            await Reminders.OutboxStore.InsertAsync(connection, transaction, proposalId, notice, now, cancellationToken);
        }
        var audit = transition.Audit;
        var sequence = transition.After.Version;
        // Read after this transaction's UPDATE of the proposal row, which holds that row's lock, so no other
        // transition of the item can slip an event in between the previous hash and this one.
        var previousHash = sequence == 1
            ? AuditChain.FirstPreviousHash
            : await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
                "SELECT hash FROM audit_events WHERE proposal_id = @proposalId AND sequence = @previous",
                new { proposalId, previous = sequence - 1 }, transaction, cancellationToken: cancellationToken));
        var content = new AuditEventContent(proposalId, sequence, audit.Action, audit.FromState, audit.ToState, audit.ActorUserId, audit.ActorName,
            audit.OrganizationId, AuditChain.StoredInstant(now), audit.Comment, audit.Data.ToJsonString(), transition.After.WorkflowVersion);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO audit_events (proposal_id, sequence, action, from_state, to_state, actor_user_id, actor_name, organization_id, at, comment, data, workflow_version, previous_hash, hash)
            VALUES (@ProposalId, @Sequence, @Action, @FromState, @ToState, @ActorUserId, @ActorName, @OrganizationId, @At, @Comment, @Data, @WorkflowVersion, @PreviousHash, @Hash)
            """,
            new
            {
                content.ProposalId, content.Sequence, content.Action, content.FromState, content.ToState, content.ActorUserId, content.ActorName,
                content.OrganizationId, content.At, content.Comment, content.Data, content.WorkflowVersion, PreviousHash = previousHash,
                Hash = AuditChain.Hash(content, previousHash),
            }, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>The stored answer for an Idempotency-Key of this user, if any.</summary>
    public async Task<IdempotentResponse?> FindIdempotentAsync(long userId, string key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<IdempotencyRow>(new CommandDefinition(
            """
            SELECT request_hash AS RequestHash, proposal_id AS ProposalId, status_code AS StatusCode, response_body AS Body
            FROM idempotency_keys WHERE user_id = @userId AND idempotency_key = @key
            """, new { userId, key }, cancellationToken: cancellationToken));
        return row is null ? null : new IdempotentResponse(row.RequestHash, row.ProposalId, row.StatusCode, row.Body);
    }

    /// <summary>A page of the proposals the viewer may see, newest first.</summary>
    public async Task<Page<ProposalListItem>> ListAsync(Viewer viewer, ProposalQuery query, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (condition, parameters) = Filter(viewer, query, now);
        await using var connection = await database.OpenAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            $"SELECT COUNT(*) FROM proposals p WHERE {condition}", parameters, cancellationToken: cancellationToken));
        parameters.Add("Offset", (query.Page - 1) * query.PageSize);
        parameters.Add("Limit", query.PageSize);
        var items = await SelectListAsync(connection, condition, parameters, cancellationToken);
        return new Page<ProposalListItem>(items, total, query.Page, query.PageSize);
    }

    /// <summary>
    /// Every proposal the viewer may see that matches the filters (paging aside), newest first, for an export; at most
    /// <paramref name="limit"/> + 1 rows, so that the caller can tell that there were more than it wants to write.
    /// </summary>
    public async Task<IReadOnlyList<ProposalListItem>> AllAsync(Viewer viewer, ProposalQuery query, DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (condition, parameters) = Filter(viewer, query, now);
        parameters.Add("Offset", 0);
        parameters.Add("Limit", limit + 1);
        await using var connection = await database.OpenAsync(cancellationToken);
        return await SelectListAsync(connection, condition, parameters, cancellationToken);
    }

    private static (string Condition, DynamicParameters Parameters) Filter(Viewer viewer, ProposalQuery query, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var where = new List<string> { viewer.ProposalFilter };
        if (query.Stage is not null)
        {
            where.Add("p.stage = @Stage");
        }
        if (query.State is not null)
        {
            where.Add("p.state = @State");
        }
        if (query.Year is not null)
        {
            where.Add("p.year = @Year");
        }
        if (query.KeySupervision is not null)
        {
            where.Add("p.key_supervision = @KeySupervision");
        }
        if (query.Open is not null)
        {
            where.Add("p.is_open = @Open");
        }
        if (query.OrganizationId is not null)
        {
            where.Add("""
                (p.party_id = @OrganizationId
                 OR EXISTS (SELECT 1 FROM proposal_departments od WHERE od.proposal_id = p.id AND od.organization_id = @OrganizationId AND od.ended_at IS NULL)
                 OR EXISTS (SELECT 1 FROM proposal_cosigners oc WHERE oc.proposal_id = p.id AND oc.organization_id = @OrganizationId AND oc.status = 'accepted'))
                """);
        }
        if (query.Overdue is { } overdue)
        {
            where.Add((overdue ? "" : "NOT ") + "EXISTS (SELECT 1 FROM tasks ot WHERE ot.proposal_id = p.id AND ot.closed_at IS NULL AND ot.due_at <= @Now)");
        }
        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            // Lower-cased on both sides: SQLite's LIKE ignores ASCII case and PostgreSQL's does not; the search should not depend on the database.
            where.Add("(LOWER(p.title) LIKE @Pattern ESCAPE '\\' OR LOWER(p.summary) LIKE @Pattern ESCAPE '\\')");
        }
        var parameters = new DynamicParameters(new
        {
            ViewerOrganizationId = viewer.OrganizationId, query.Stage, query.State, query.Year, query.KeySupervision, query.Open, query.OrganizationId,
            Now = now.UtcDateTime, Pattern = "%" + EscapeLike(query.Text?.Trim().ToLowerInvariant() ?? "") + "%",
        });
        return (string.Join(" AND ", where), parameters);
    }

    private async Task<IReadOnlyList<ProposalListItem>> SelectListAsync(DbConnection connection, string condition, DynamicParameters parameters, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<ProposalRow>(new CommandDefinition(
            $"""
            SELECT p.id AS Id, p.title AS Title, p.state AS State, p.stage AS Stage, p.is_open AS IsOpen, p.party_id AS PartyId, p.topic_id AS TopicId,
                   p.year AS Year, p.round AS Round, p.key_supervision AS KeySupervision, p.item_due_date AS ItemDueDate, p.version AS Version,
                   p.created_at AS CreatedAt, p.updated_at AS UpdatedAt,
                   (SELECT MIN(nt.due_date) FROM tasks nt WHERE nt.proposal_id = p.id AND nt.closed_at IS NULL) AS NextDueDate
            FROM proposals p
            WHERE {condition}
            ORDER BY p.id DESC
            {database.Dialect.Paging}
            """, parameters, cancellationToken: cancellationToken));
        return rows.Select(r => new ProposalListItem(r.Id, r.Title, r.State, r.Stage, r.IsOpen, r.PartyId, r.TopicId, r.Year, r.Round,
            r.KeySupervision, r.ItemDueDate, r.NextDueDate, r.Version, DateValues.Load(r.CreatedAt), DateValues.Load(r.UpdatedAt))).ToList();
    }

    /// <summary>The audit events of a proposal the viewer may see, oldest first; none when it is not theirs.</summary>
    public async Task<IReadOnlyList<HistoryEvent>> HistoryAsync(long proposalId, Viewer viewer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<EventRow>(new CommandDefinition(
            $"""
            SELECT e.sequence AS Sequence, e.action AS Action, e.actor_user_id AS ActorUserId, e.actor_name AS ActorName, e.organization_id AS OrganizationId,
                   e.at AS At, e.comment AS Comment, e.data AS Data, e.from_state AS FromState, e.to_state AS ToState, e.workflow_version AS WorkflowVersion
            FROM audit_events e JOIN proposals p ON p.id = e.proposal_id
            WHERE e.proposal_id = @proposalId AND {viewer.ProposalFilter}
            ORDER BY e.sequence
            """, new { proposalId, ViewerOrganizationId = viewer.OrganizationId }, cancellationToken: cancellationToken));
        return rows.Select(ToHistoryEvent).ToList();
    }

    /// <summary>Open tasks the viewer's organisation owes, soonest due first.</summary>
    public async Task<IReadOnlyList<TaskView>> TasksOfOrganizationAsync(long organizationId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<TaskRow>(new CommandDefinition(
            $"{SelectTasks} WHERE t.organization_id = @organizationId AND t.closed_at IS NULL ORDER BY t.due_at, t.id",
            new { organizationId }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToView()).ToList();
    }

    /// <summary>Open tasks on proposals the viewer may see that fall due before <paramref name="before"/>, soonest first.</summary>
    public async Task<IReadOnlyList<TaskView>> TasksDueBeforeAsync(Viewer viewer, DateTimeOffset before, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<TaskRow>(new CommandDefinition(
            $"""
            {SelectTasks}
            JOIN proposals p ON p.id = t.proposal_id
            WHERE t.closed_at IS NULL AND t.due_at IS NOT NULL AND t.due_at <= @before AND {viewer.ProposalFilter}
            ORDER BY t.due_at, t.id
            """, new { before = before.UtcDateTime, ViewerOrganizationId = viewer.OrganizationId }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToView()).ToList();
    }

    /// <summary>Titles and flags of proposals by id, for lists that show tasks.</summary>
    public async Task<IReadOnlyDictionary<long, ProposalListItem>> SummariesAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return new Dictionary<long, ProposalListItem>();
        }
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ProposalRow>(new CommandDefinition(
            $"""
            SELECT p.id AS Id, p.title AS Title, p.state AS State, p.stage AS Stage, p.is_open AS IsOpen, p.party_id AS PartyId, p.topic_id AS TopicId,
                   p.year AS Year, p.round AS Round, p.key_supervision AS KeySupervision, p.item_due_date AS ItemDueDate, p.version AS Version,
                   p.created_at AS CreatedAt, p.updated_at AS UpdatedAt
            FROM proposals p WHERE {database.Dialect.InList("p.id", "ids")}
            """, new { ids = ids.ToArray() }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Id, r => new ProposalListItem(r.Id, r.Title, r.State, r.Stage, r.IsOpen, r.PartyId, r.TopicId, r.Year, r.Round,
            r.KeySupervision, r.ItemDueDate, null, r.Version, DateValues.Load(r.CreatedAt), DateValues.Load(r.UpdatedAt)));
    }

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    internal static IReadOnlyList<string> SplitRoles(string roles) => roles.Split(',', StringSplitOptions.RemoveEmptyEntries);

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
}
