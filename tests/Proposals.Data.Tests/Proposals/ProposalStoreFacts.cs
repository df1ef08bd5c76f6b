using System.Text.Json.Nodes;
using Dapper;
using Proposals.Data.Proposals;
using Proposals.Data.Tests.Providers;
using Proposals.Data.Topics;
using Proposals.Engine.Definitions;
using Proposals.Engine.Execution;

namespace Proposals.Data.Tests.Proposals;

/// <summary>Writing proposals: each transition of the engine lands whole, or not at all.</summary>
public abstract class ProposalStoreFacts(IDatabaseProvider provider) : StoreFacts(provider)
{
    private static readonly DateTimeOffset Monday = TestCity.Monday;
    private static readonly DateOnly TopicDeadline = new(2025, 6, 30);

    [SkippableFact]
    public async Task CreateAsync_writes_the_proposal_its_open_task_pending_reminders_notifications_and_the_first_audit_event()
    {
        var city = await TestCity.CreateAsync(Database);
        var topic = await new TopicStore(Database).CreateAsync("养老服务", "", 2025, TopicDeadline, [city.PartyA], city.Committee.UserId, Monday, CancellationToken.None);

        var draft = await city.DraftAsync(city.PartyAMember, "关于社区养老的建议", Monday, topic, TopicDeadline, summary: "摘要");

        var record = await city.Proposals.FindAsync(draft.Id, city.PartyAMember.Viewer, CancellationToken.None);
        Assert.NotNull(record);
        Assert.Equal(("research", true, 2025, "摘要", "正文", city.PartyAMember.UserId, Monday, Monday),
            (record.Stage, record.IsOpen, record.Year, record.Summary, record.Body, record.CreatedBy, record.CreatedAt, record.UpdatedAt));
        var instance = record.Instance;
        Assert.Equal((draft.Id, "proposal-chain", 1, "draft", 1, city.PartyA, topic, TopicDeadline, "关于社区养老的建议", 1, false),
            (instance.Id, instance.WorkflowId, instance.WorkflowVersion, instance.State, instance.Version, instance.PartyId, instance.TopicId, instance.TopicDeadline, instance.Title, instance.Round, instance.KeySupervision));

        var opening = Assert.Single(draft.Start.OpenedTasks);
        var task = Assert.Single(await city.Proposals.OpenTasksAsync(draft.Id, CancellationToken.None));
        Assert.Equal(("research", "调研起草", city.PartyA, 1, Monday, TopicDeadline, opening.DueAt), (task.TaskId, task.Name, task.OrganizationId, task.Round, task.OpenedAt, task.DueDate, task.DueAt));
        Assert.Equal([Roles.PartyMember, Roles.PartyAdmin], task.Roles);
        Assert.Equal([new OpenTask(task.Id, "research", city.PartyA, TopicDeadline, Monday)], instance.OpenTasks);

        Assert.Equal(3, opening.Reminders.Count);
        Assert.Equal(
            opening.Reminders.Select(r => (task.Id, r.Level, r.DueAt.UtcDateTime, "pending")).Order(),
            (await RemindersAsync(draft.Id)).Select(r => (r.TaskRowId, r.Level, r.DueAt, r.Status)).Order());

        Assert.Equal(2, draft.Start.Notifications.Count);
        Assert.Equal(
            draft.Start.Notifications.Select(n => (n.Recipient.OrganizationId, n.Recipient.Role, n.Kind, n.Title, "pending")).Order(),
            (await NotificationsAsync(draft.Id)).Select(n => (n.OrganizationId, n.Role, n.Kind, n.Title, n.DeliveryStatus)).Order());

        var created = Assert.Single(await city.Proposals.HistoryAsync(draft.Id, Viewer.Service, CancellationToken.None));
        Assert.Equal((1L, "create", "", "draft", city.PartyAMember.UserId, city.PartyA, Monday, 1),
            (created.Sequence, created.Action, created.FromState, created.ToState, created.ActorUserId, created.OrganizationId, created.At, created.WorkflowVersion));
        Assert.Equal(topic, created.Data["topicId"]!.GetValue<long>());
    }

    [SkippableFact]
    public async Task FindAsync_returns_the_state_version_and_open_tasks_the_last_transition_left()
    {
        var city = await TestCity.CreateAsync(Database);
        var draft = await city.DraftAsync(city.PartyAMember, "关于社区养老的建议", Monday);
        var submitted = await city.ActAsync(city.PartyAAdmin, draft.Id, "submit", Monday.AddDays(1));

        var adopted = await city.ActAsync(city.Government, draft.Id, "adopt", Monday.AddDays(2),
            TestCity.Adoption(city.DepartmentX.OrganizationId, [city.DepartmentY.OrganizationId]));

        var instance = await city.InstanceAsync(draft.Id);
        Assert.Equal(("implementation", 3, new DateOnly(2025, 9, 30)), (instance.State, instance.Version, instance.ItemDueDate));
        Assert.Equal(adopted.After.ItemDueDate, instance.ItemDueDate);
        Assert.Equal(
            adopted.OpenedTasks.Select(t => (t.TaskId, t.OrganizationId, t.DueDate)).Order(),
            instance.OpenTasks.Select(t => (t.TaskId, t.OrganizationId, t.DueDate)).Order());
        Assert.Contains(("sign", city.DepartmentY.OrganizationId), instance.OpenTasks.Select(t => (t.TaskId, t.OrganizationId)));
        Assert.DoesNotContain(instance.OpenTasks, t => submitted.OpenedTasks.Any(o => o.TaskId == t.TaskId));
    }

    [SkippableFact]
    public async Task ApplyAsync_with_a_stale_version_returns_false_and_writes_nothing()
    {
        var city = await TestCity.CreateAsync(Database);
        var draft = await city.DraftAsync(city.PartyAMember, "关于社区养老的建议", Monday);
        var seen = await city.InstanceAsync(draft.Id);
        var first = await city.PlanAsync(city.PartyAMember, seen, "submit-for-review", Monday.AddHours(1));
        var second = await city.PlanAsync(city.PartyAAdmin, seen, "submit", Monday.AddHours(2));
        Assert.True(await city.Proposals.ApplyAsync(TestCity.Definition, first, null, Monday.AddHours(1), CancellationToken.None));
        var before = await RowCountsAsync();

        var applied = await city.Proposals.ApplyAsync(TestCity.Definition, second,
            new IdempotencyRecord(city.PartyAAdmin.UserId, "stale-key", "hash", 200, ""), Monday.AddHours(2), CancellationToken.None);

        Assert.False(applied);
        Assert.Equal(before, await RowCountsAsync());
        var now = await city.InstanceAsync(draft.Id);
        Assert.Equal(("party-review", 2), (now.State, now.Version));
        Assert.Equal(Monday.AddHours(1), (await city.Proposals.FindAsync(draft.Id, city.PartyAAdmin.Viewer, CancellationToken.None))!.UpdatedAt);
        Assert.Null(await city.Proposals.FindIdempotentAsync(city.PartyAAdmin.UserId, "stale-key", CancellationToken.None));
    }

    [SkippableFact]
    public async Task ApplyAsync_of_a_transition_that_closes_a_task_closes_it_and_cancels_its_pending_reminders_only()
    {
        var city = await TestCity.CreateAsync(Database);
        var topic = await new TopicStore(Database).CreateAsync("养老服务", "", 2025, TopicDeadline, [city.PartyA], city.Committee.UserId, Monday, CancellationToken.None);
        var draft = await city.DraftAsync(city.PartyAMember, "关于社区养老的建议", Monday, topic, TopicDeadline);
        var research = Assert.Single(await city.Proposals.OpenTasksAsync(draft.Id, CancellationToken.None));
        var sent = (await RemindersAsync(draft.Id)).OrderBy(r => r.DueAt).First();
        await ExecuteAsync("UPDATE reminders SET status = 'sent', sent_at = due_at WHERE id = @Id", new { sent.Id });

        var submit = await city.ActAsync(city.PartyAAdmin, draft.Id, "submit", Monday.AddDays(1));

        var closed = await TaskAsync(research.Id);
        Assert.Equal((Monday.AddDays(1).UtcDateTime, "submit"), (closed.ClosedAt, closed.CloseReason));
        var reminders = await RemindersAsync(draft.Id);
        var ofResearch = reminders.Where(r => r.TaskRowId == research.Id).ToList();
        Assert.Equal(3, ofResearch.Count);
        Assert.Equal("sent", ofResearch.Single(r => r.Id == sent.Id).Status);
        Assert.All(ofResearch.Where(r => r.Id != sent.Id), r => Assert.Equal("cancelled", r.Status));

        var decide = Assert.Single(await city.Proposals.OpenTasksAsync(draft.Id, CancellationToken.None));
        Assert.Equal(("decide", city.Government.OrganizationId), (decide.TaskId, decide.OrganizationId));
        var opened = Assert.Single(submit.OpenedTasks);
        Assert.Equal(opened.Reminders.Count, reminders.Count(r => r.TaskRowId == decide.Id && r.Status == "pending"));
        Assert.Equal(reminders.Count(r => r.TaskRowId == decide.Id), opened.Reminders.Count);
    }

    [SkippableFact]
    public async Task Assignments_round_trip_with_lead_co_signed_opinion_and_ended()
    {
        var city = await TestCity.CreateAsync(Database);
        var (x, y, z) = (city.DepartmentX, city.DepartmentY, city.DepartmentZ);
        var id = await city.SubmittedAsync(city.PartyAMember, city.PartyAAdmin, "关于社区养老的建议", Monday);
        var adopted = await city.ActAsync(city.Government, id, "adopt", Monday.AddDays(1), TestCity.Adoption(x.OrganizationId, [y.OrganizationId, z.OrganizationId]));
        Assert.Equal(adopted.After.Assignments, (await city.InstanceAsync(id)).Assignments);

        await city.ActAsync(x, id, "sign", Monday.AddDays(2));
        await city.ActAsync(y, id, "sign", Monday.AddDays(3));
        await city.ActAsync(y, id, "give-opinion", Monday.AddDays(4), new JsonObject { ["text"] = "同意" });
        var returned = await city.ActAsync(z, id, "return-assignment", Monday.AddDays(5), new JsonObject { ["reason"] = "不属于本单位职责" });

        var instance = await city.InstanceAsync(id);
        Assert.Equal("reassignment", instance.State);
        Assert.Equal(returned.After.Assignments, instance.Assignments);
        var assignedAt = Monday.AddDays(1);
        Assert.Equal(
        [
            new Assignment(x.OrganizationId, true, assignedAt, SignedAt: Monday.AddDays(2)),
            new Assignment(y.OrganizationId, false, assignedAt, SignedAt: Monday.AddDays(3), OpinionAt: Monday.AddDays(4)),
            new Assignment(z.OrganizationId, false, assignedAt, EndedAt: Monday.AddDays(5), EndReason: "returned"),
        ], instance.Assignments);
        Assert.Null(instance.ActiveAssignmentOf(z.OrganizationId));
    }

    [SkippableFact]
    public async Task ApplyAsync_with_an_idempotency_record_stores_it_for_FindIdempotentAsync()
    {
        var city = await TestCity.CreateAsync(Database);
        var draft = await city.DraftAsync(city.PartyAMember, "关于社区养老的建议", Monday);
        var submit = await city.PlanAsync(city.PartyAAdmin, draft.Id, "submit", Monday);

        Assert.True(await city.Proposals.ApplyAsync(TestCity.Definition, submit,
            new IdempotencyRecord(city.PartyAAdmin.UserId, "key-1", "request-hash", 200, "{\"state\":\"government-review\"}"), Monday, CancellationToken.None));

        var stored = await city.Proposals.FindIdempotentAsync(city.PartyAAdmin.UserId, "key-1", CancellationToken.None);
        Assert.Equal(new IdempotentResponse("request-hash", draft.Id, 200, "{\"state\":\"government-review\"}"), stored);
        Assert.Null(await city.Proposals.FindIdempotentAsync(city.PartyAMember.UserId, "key-1", CancellationToken.None));
        Assert.Null(await city.Proposals.FindIdempotentAsync(city.PartyAAdmin.UserId, "key-2", CancellationToken.None));
    }

    [SkippableFact]
    public async Task A_second_transition_with_the_same_idempotency_key_is_a_unique_violation_and_writes_nothing()
    {
        var city = await TestCity.CreateAsync(Database);
        var draft = await city.DraftAsync(city.PartyAMember, "关于社区养老的建议", Monday);
        var key = new IdempotencyRecord(city.PartyAMember.UserId, "key-1", "hash-1", 200, "");
        var review = await city.PlanAsync(city.PartyAMember, draft.Id, "submit-for-review", Monday);
        Assert.True(await city.Proposals.ApplyAsync(TestCity.Definition, review, key, Monday, CancellationToken.None));
        var returned = await city.PlanAsync(city.PartyAAdmin, draft.Id, "return-draft", Monday.AddHours(1), new JsonObject { ["reason"] = "补充数据" });
        var before = await RowCountsAsync();

        var thrown = await Record.ExceptionAsync(() => city.Proposals.ApplyAsync(TestCity.Definition, returned, key with { RequestHash = "hash-2" }, Monday.AddHours(1), CancellationToken.None));

        Assert.NotNull(thrown);
        Assert.True(Database.IsUniqueViolation(thrown), thrown.ToString());
        Assert.Equal(before, await RowCountsAsync());
        var instance = await city.InstanceAsync(draft.Id);
        Assert.Equal(("party-review", 2), (instance.State, instance.Version));
        Assert.Equal("hash-1", (await city.Proposals.FindIdempotentAsync(city.PartyAMember.UserId, "key-1", CancellationToken.None))!.RequestHash);
    }

    [SkippableFact]
    public void IsUniqueViolation_is_false_for_other_errors()
    {
        Assert.False(Database.IsUniqueViolation(new InvalidOperationException("not a database error")));
    }

    [SkippableFact]
    public async Task IsUniqueViolation_is_false_for_a_foreign_key_violation()
    {
        var city = await TestCity.CreateAsync(Database);

        var thrown = await Record.ExceptionAsync(() => ExecuteAsync(
            "INSERT INTO user_roles (user_id, role) VALUES (@user, 'x')", new { user = city.Committee.UserId + 1_000_000 }));

        Assert.NotNull(thrown);
        Assert.False(Database.IsUniqueViolation(thrown));
    }

    [SkippableFact]
    public async Task HistoryAsync_lists_the_events_oldest_first_with_sequence_action_states_actor_comment_and_data()
    {
        var city = await TestCity.CreateAsync(Database);
        var draft = await city.DraftAsync(city.PartyAMember, "关于社区养老的建议", Monday);
        await city.ActAsync(city.PartyAMember, draft.Id, "submit-for-review", Monday.AddHours(1));
        await city.ActAsync(city.PartyAAdmin, draft.Id, "return-draft", Monday.AddHours(2), new JsonObject { ["reason"] = "补充数据" }, comment: "请尽快修改");
        await city.ActAsync(city.PartyAMember, draft.Id, "submit-for-review", Monday.AddHours(3));
        await city.ActAsync(city.PartyAAdmin, draft.Id, "submit", Monday.AddHours(4));
        await city.ActAsync(city.Government, draft.Id, "adopt", Monday.AddHours(5), TestCity.Adoption(city.DepartmentX.OrganizationId, [], "2025-08-29"));
        var other = await city.DraftAsync(city.PartyBMember, "另一件提案", Monday);

        var history = await city.Proposals.HistoryAsync(draft.Id, Viewer.Service, CancellationToken.None);

        Assert.Equal(
        [
            (1L, "create", "", "draft", city.PartyAMember.UserId, Monday),
            (2L, "submit-for-review", "draft", "party-review", city.PartyAMember.UserId, Monday.AddHours(1)),
            (3L, "return-draft", "party-review", "draft", city.PartyAAdmin.UserId, Monday.AddHours(2)),
            (4L, "submit-for-review", "draft", "party-review", city.PartyAMember.UserId, Monday.AddHours(3)),
            (5L, "submit", "party-review", "government-review", city.PartyAAdmin.UserId, Monday.AddHours(4)),
            (6L, "adopt", "government-review", "implementation", city.Government.UserId, Monday.AddHours(5)),
        ], history.Select(e => (e.Sequence, e.Action, e.FromState, e.ToState, e.ActorUserId, e.At)));
        Assert.Equal(city.PartyAAdmin.Actor.DisplayName, history[2].Actor);
        Assert.Equal(city.PartyA, history[2].OrganizationId);
        Assert.Equal(("请尽快修改", "补充数据"), (history[2].Comment, history[2].Data["reason"]!.GetValue<string>()));
        Assert.Null(history[1].Comment);
        Assert.Equal("关于社区养老的建议", history[0].Data["title"]!.GetValue<string>());
        Assert.Equal(city.DepartmentX.OrganizationId, history[5].Data["leadDepartmentId"]!.GetValue<long>());
        Assert.Equal("2025-08-29", history[5].Data["dueDate"]!.GetValue<string>());
        Assert.All(history, e => Assert.Equal(1, e.WorkflowVersion));
        Assert.Single(await city.Proposals.HistoryAsync(other.Id, Viewer.Service, CancellationToken.None));
        Assert.Equal(6, (await city.Proposals.HistoryAsync(draft.Id, city.DepartmentX.Viewer, CancellationToken.None)).Count);
        Assert.Empty(await city.Proposals.HistoryAsync(draft.Id, city.PartyBAdmin.Viewer, CancellationToken.None));
        Assert.Empty(await city.Proposals.HistoryAsync(draft.Id, city.DepartmentY.Viewer, CancellationToken.None));
    }

    private sealed class ReminderRow
    {
        public long Id { get; init; }
        public long TaskRowId { get; init; }
        public string Level { get; init; } = "";
        public DateTime DueAt { get; init; }
        public string Status { get; init; } = "";
    }

    private sealed class NotificationRow
    {
        public long? OrganizationId { get; init; }
        public string? Role { get; init; }
        public string Kind { get; init; } = "";
        public string Title { get; init; } = "";
        public string DeliveryStatus { get; init; } = "";
    }

    private sealed class TaskRow
    {
        public DateTime? ClosedAt { get; init; }
        public string? CloseReason { get; init; }
    }

    private async Task<TaskRow> TaskAsync(long id)
    {
        await using var connection = await Database.OpenAsync(CancellationToken.None);
        return await connection.QuerySingleAsync<TaskRow>("SELECT closed_at AS ClosedAt, close_reason AS CloseReason FROM tasks WHERE id = @id", new { id });
    }

    private async Task<IReadOnlyList<ReminderRow>> RemindersAsync(long proposalId)
    {
        await using var connection = await Database.OpenAsync(CancellationToken.None);
        return (await connection.QueryAsync<ReminderRow>(
            "SELECT id AS Id, task_row_id AS TaskRowId, level AS Level, due_at AS DueAt, status AS Status FROM reminders WHERE proposal_id = @proposalId ORDER BY id",
            new { proposalId })).ToList();
    }

    private async Task<IReadOnlyList<NotificationRow>> NotificationsAsync(long proposalId)
    {
        await using var connection = await Database.OpenAsync(CancellationToken.None);
        return (await connection.QueryAsync<NotificationRow>(
            """
            SELECT organization_id AS OrganizationId, role AS Role, kind AS Kind, title AS Title, delivery_status AS DeliveryStatus
            FROM notifications WHERE proposal_id = @proposalId ORDER BY id
            """, new { proposalId })).ToList();
    }
}
