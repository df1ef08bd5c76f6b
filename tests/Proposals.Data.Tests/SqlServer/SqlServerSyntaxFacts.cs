using System.Text.Json.Nodes;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using Proposals.Data.Attachments;
using Proposals.Data.Calendar;
using Proposals.Data.Migrations;
using Proposals.Data.Organizations;
using Proposals.Data.Proposals;
using Proposals.Data.Reminders;
using Proposals.Data.Statistics;
using Proposals.Data.Topics;
using Proposals.Data.Workflows;
using Proposals.Engine.Calendar;
using Proposals.Engine.Definitions;
using Proposals.Engine.Execution;

namespace Proposals.Data.Tests.SqlServer;

/// <summary>
/// No SQL Server runs on the build machines, so every script in db/sqlserver and every statement the stores send
/// through the SQL Server dialect is parsed with SQL Server's own parser; a broken one fails with its text.
/// </summary>
public sealed class SqlServerSyntaxFacts
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Every_sql_server_migration_script_parses()
    {
        var scripts = DatabaseMigrator.ScriptNames(DatabaseProvider.SqlServer);
        Assert.NotEmpty(scripts);
        Assert.Equal(DatabaseMigrator.ScriptNames(DatabaseProvider.Sqlite).Count, scripts.Count);
        foreach (var name in scripts)
        {
            AssertParses(name, DatabaseMigrator.ScriptText(name));
        }
    }

    [Fact]
    public void Sql_server_scripts_create_the_same_tables_and_columns_as_sqlite()
    {
        static SortedSet<string> Columns(string script) => new(
            System.Text.RegularExpressions.Regex.Matches(script, @"CREATE TABLE (\w+) \((.*?)\n\);", System.Text.RegularExpressions.RegexOptions.Singleline)
                .SelectMany(m => m.Groups[2].Value.Split('\n')
                    .Select(line => line.Trim())
                    .Where(line => line.Length > 0 && !line.StartsWith("PRIMARY KEY", StringComparison.Ordinal) && !line.StartsWith("FOREIGN KEY", StringComparison.Ordinal) && !line.StartsWith("UNIQUE", StringComparison.Ordinal) && !line.StartsWith("--", StringComparison.Ordinal))
                    .Select(line => $"{m.Groups[1].Value}.{line.Split(' ')[0]}")),
            StringComparer.Ordinal);
        string All(DatabaseProvider provider) => string.Concat(DatabaseMigrator.ScriptNames(provider).Select(DatabaseMigrator.ScriptText));
        var sqlite = Columns(All(DatabaseProvider.Sqlite));
        Assert.Equal(sqlite, Columns(All(DatabaseProvider.SqlServer)));
        Assert.Equal(sqlite, Columns(All(DatabaseProvider.PostgreSql)));
    }

    [Fact]
    public async Task Every_statement_the_stores_send_to_sql_server_parses()
    {
        var statements = await RecordAllAsync();

        Assert.True(statements.Count > 60, $"only {statements.Count} statements were recorded");
        foreach (var statement in statements.Select(s => s.Sql).Distinct())
        {
            AssertParses("statement", statement);
        }
    }

    [Fact]
    public async Task Every_statement_the_stores_and_the_migrator_send_to_sql_server_binds_to_the_sql_server_schema()
    {
        var schema = SqlServerSchema.Shipped();
        var statements = await RecordAllAsync();

        var problems = statements
            .DistinctBy(s => (s.Sql, string.Join(",", s.Parameters ?? [])))
            .Select(s => (Statement: s, Problems: SqlServerChecker.Check(schema, s.Sql, s.Parameters)))
            .Where(c => c.Problems.Count > 0)
            .Select(c => $"sent by {string.Join(" < ", c.Statement.Senders.Distinct())}:\n  {string.Join("\n  ", c.Problems)}\n--- text ---\n{c.Statement.Sql}")
            .ToList();
        Assert.True(problems.Count == 0, string.Join("\n\n", problems));
    }

    [Fact]
    public async Task Every_method_of_the_data_layer_that_sends_sql_is_recorded_sending_it_to_sql_server()
    {
        var statements = await RecordAllAsync();

        var unrecorded = StoreCoverage.Unrecorded(statements);

        Assert.True(unrecorded.Count == 0, $"no SQL Server statement of these was recorded; call them in {nameof(RecordAllAsync)}: {string.Join(", ", unrecorded)}");
        Assert.Contains("ProposalStore.ApplyAsync", StoreCoverage.MethodsThatSendSql());
    }

    [Fact]
    public void Every_sql_server_migration_script_binds_to_the_tables_the_scripts_before_it_create()
    {
        var problems = new List<string>();

        var schema = SqlServerSchema.FromShippedScripts(problems);

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Contains("locked_until", schema.Columns("users")!);
        Assert.Contains("hash", schema.Columns("audit_events")!);
    }

    /// <summary>Calls every method of the data layer that sends SQL, over the SQL Server dialect and a recording connection.</summary>
    internal static async Task<List<RecordedStatement>> RecordAllAsync()
    {
        var statements = new List<RecordedStatement>();
        var dialect = new RecordingSqlServerDialect(statements);
        var database = new Database(DatabaseProvider.SqlServer, "Server=recording", dialect);
        var ct = CancellationToken.None;

        var organizations = new OrganizationStore(database);
        await organizations.ListAsync(ct);
        await organizations.EnsureAsync("fgj", "发改局", OrganizationKind.Department, Now, ct);
        await organizations.DirectoryAsync(ct);
        await organizations.UpdateAsync(11, "发展改革局", 10, active: false, Now, ct);
        // The parent code is known and the new code free, so the insert is sent too.
        dialect.Answer = sql => sql.StartsWith("SELECT COUNT(*)", StringComparison.Ordinal) ? 0L : sql.StartsWith("SELECT id FROM organizations", StringComparison.Ordinal) ? 10L : null;
        await organizations.CreateAsync([new NewOrganization("jyj", "教育局", OrganizationKind.Department, "zfb")], Now, ct);
        // The organisation exists and nothing refers to it, so the delete is sent too.
        dialect.Answer = sql => sql.Contains("CASE WHEN EXISTS", StringComparison.Ordinal) ? 0L : null;
        await organizations.DeleteAsync(12, ct);
        dialect.Answer = null;

        var users = new UserStore(database);
        await users.FindByNameAsync("admin", ct);
        await users.FindByIdAsync(1, ct);
        await users.UpsertAsync("admin", "管理员", 1, "hash", ["admin", "supervisor"], Now, ct);
        await users.IssueTokenAsync(1, Now, TimeSpan.FromHours(1), ct);
        await users.FindByTokenAsync("token", Now, ct);
        await users.RevokeTokenAsync("token", Now, ct);
        await users.ListAsync(ct);
        await users.UpdateAsync(1, "管理员", 1, ["admin"], active: false, Now, ct);
        await users.SetPasswordAsync(1, "hash", mustChange: true, Now, ct);
        await users.AnyActiveWithRoleAsync("admin", ct);
        dialect.Answer = sql => sql.StartsWith("SELECT COUNT(*)", StringComparison.Ordinal) ? 0L : sql.StartsWith("SELECT id FROM organizations", StringComparison.Ordinal) ? 11L : null;
        await users.CreateAsync([new NewUser("fgj.clerk", "办事员", "fgj", ["department"], "hash", MustChangePassword: true)], Now, ct);
        dialect.Answer = null;
        await users.ClearFailedSignInsAsync(1, ct);

        var attempts = new SignInAttemptStore(database);
        await attempts.FindFailuresAsync("admin", "203.0.113.7", ct);
        await attempts.RecordFailureAsync("admin", "203.0.113.7", Now, 5, Now.AddMinutes(15), Now.AddMinutes(-15), ct);
        await attempts.RecordSuccessAsync("admin", "203.0.113.7", Now, ct);
        // No earlier success from that address: the update changes nothing, so the first success's insert is sent too.
        dialect.Answer = sql => sql.StartsWith("UPDATE sign_in_successes", StringComparison.Ordinal) ? 0 : null;
        await attempts.RecordSuccessAsync("admin", "203.0.113.7", Now, ct);
        dialect.Answer = null;
        await attempts.SucceededSinceAsync("admin", "203.0.113.7", Now.AddDays(-30), ct);

        var calendar = new CalendarStore(database);
        await calendar.LoadAsync(ct);
        await calendar.ListAsync(2026, ct);
        await calendar.SaveAsync([new CalendarDay(new DateOnly(2026, 10, 1), false, "国庆节")], ct);
        await calendar.YearsAsync(ct);

        var retention = new global::Proposals.Data.Retention.RetentionStore(database);
        await retention.PurgeExpiredTokensAsync(Now.AddDays(-7), 500, ct);
        await retention.PurgeIdempotencyKeysAsync(Now.AddDays(-7), 500, ct);
        await retention.PurgeSignInFailuresAsync(Now.AddMinutes(-15), 500, ct);
        await retention.PurgeSignInSuccessesAsync(Now.AddDays(-30), 500, ct);
        await retention.PurgeDeliveredAsync(Now.AddDays(-30), 500, ct);
        // With a read notification found, its reads, deliveries and itself are deleted too.
        dialect.Answer = sql => sql.StartsWith("SELECT n.id FROM notifications n", StringComparison.Ordinal) ? 7L : null;
        await retention.PurgeReadNotificationsAsync(Now.AddDays(-180), 500, ct);
        dialect.Answer = null;
        await retention.RecordRunAsync("t0 k0 n0 d0 f0 s0", Now, ct);

        var definition = ProposalChain.Definition;
        var workflows = new WorkflowStore(database);
        await workflows.PublishAsync([definition], Now, ct);
        await workflows.LoadAllAsync(ct);

        var topics = new TopicStore(database);
        await topics.CreateAsync("课题", "说明", 2026, new DateOnly(2026, 6, 30), [2, 3], 1, Now, ct);
        await topics.ListAsync(2026, ct);
        await topics.ListAsync(null, ct);
        await topics.FindAsync(1, ct);
        await topics.ClaimAsync(1, 2, new DateOnly(2026, 3, 2), Now, ct);
        await topics.CloseAsync(1, Now, ct);

        var proposals = new ProposalStore(database);
        var (start, adopt) = Transitions(definition);
        await proposals.CreateAsync(definition, start, "摘要", "正文", 2026, Now, ct);
        await proposals.ApplyAsync(definition, adopt, new IdempotencyRecord(1, "key", "hash", 200, ""), Now, ct);
        await proposals.FindIdempotentAsync(1, "key", ct);
        // The answered writes read the item back inside their transaction; a recording connection returns no row, so the
        // read-back fails after every statement was sent.
        var answer = new AnswerRule(item => "{}", new IdempotencyRecord(1, "answered", "hash", 200, ""));
        await Assert.ThrowsAsync<InvalidOperationException>(() => proposals.CreateAnsweredAsync(definition, start, "摘要", "正文", 2026, Now, answer, ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => proposals.ApplyAnsweredAsync(definition, adopt, Now, answer, ct));
        foreach (var viewer in Viewers())
        {
            await proposals.FindAsync(1, viewer, ct);
            await proposals.ListAsync(viewer, new ProposalQuery(), Now, ct);
            await proposals.ListAsync(viewer, new ProposalQuery("implementation", "implementation", true, 11, "50%_off", 2026, true, 2, 50), Now, ct);
            await proposals.ListAsync(viewer, new ProposalQuery(Overdue: false), Now, ct);
            await proposals.TasksDueBeforeAsync(viewer, Now, ct);
            await proposals.HistoryAsync(1, viewer, ct);
            await proposals.AllAsync(viewer, new ProposalQuery(State: "implementation", Text: "营商"), Now, 50_000, ct);
        }
        foreach (var draftChange in DraftTransitions(ProposalChain.Next))
        {
            await proposals.ApplyAsync(ProposalChain.Next, draftChange, null, Now, ct);
        }
        foreach (var viewer in Viewers())
        {
            await proposals.RevisionsAsync(1, viewer, ct);
        }
        await proposals.OpenTasksAsync(1, ct);
        await proposals.WithOpenTasksDueBetweenAsync(new DateOnly(2027, 1, 1), new DateOnly(2027, 12, 31), Now, ct);
        await proposals.HistoryAsync(1, Viewer.Service, ct);
        await proposals.TasksOfOrganizationAsync(11, ct);
        await proposals.SummariesAsync([1, 2, 3], ct);

        var attachments = new AttachmentStore(database);
        using (var content = new MemoryStream(new byte[AttachmentStore.ChunkSize + 10]))
        {
            await attachments.CreateAsync(new NewAttachment(1, 2, 1, "党员", "报告.pdf", "application/pdf", "pdf", "调研报告"), content, 50, Now, ct);
        }
        await attachments.CountAsync(1, ct);
        await attachments.FindManyAsync([1, 2], ct);
        await attachments.ComputeSha256Async(1, ct);
        await using (var stream = await attachments.OpenReadAsync(1, ct))
        {
            await stream.ReadAtLeastAsync(new byte[16], 16, throwOnEndOfStream: false, ct);
        }
        foreach (var viewer in Viewers())
        {
            await attachments.ListAsync(1, viewer, ct);
            await attachments.FindAsync(1, viewer, ct);
        }
        await attachments.ListAsync(1, Viewer.Service, ct);
        // A file is found (unbound, of organisation 0 as the empty row reads), so the delete's statements are sent too;
        // and the binding changes as many rows as it names, so the action's transaction goes on to its end.
        dialect.Answer = sql => sql.Contains("FROM attachments a", StringComparison.Ordinal) ? 1L : sql.StartsWith("UPDATE attachments SET bound_sequence", StringComparison.Ordinal) ? 2 : null;
        foreach (var viewer in Viewers())
        {
            await attachments.DeleteAsync(1, 0, viewer, ct);
        }
        await proposals.ApplyAsync(definition, adopt with { AttachmentIds = [1, 2] }, null, Now, ct);
        dialect.Answer = null;

        await new global::Proposals.Data.Monitoring.MonitoringStore(database).QueuesAsync(Now, TimeSpan.FromMinutes(5), ct);
        // The read-back of an action's answer, which the recording connection's empty reads stop before it gets there.
        await using (var connection = await database.OpenAsync(ct))
        await using (var transaction = await connection.BeginTransactionAsync(ct))
        {
            await global::Proposals.Data.Attachments.AttachmentStore.ListInAsync(connection, transaction, 1, ct);
        }

        var history = new HistoryVerifier(database);
        await history.VerifyAsync(null, ct);
        await history.VerifyAsync(1, ct);
        await history.SealLegacyEventsAsync(Now, ct);
        await history.SealAsync(Now, ct);
        await history.SealItemAsync(1, ct);
        // The recording connection reads no events, so the statement that stores a sealed event's hashes is added here,
        // with the parameters its one caller supplies (new { PreviousHash, Hash, row.EventId }).
        statements.Add(new RecordedStatement(HistoryVerifier.StoreHashes, ["PreviousHash", "Hash", "EventId"], ["HistoryVerifier.SealAsync"]));

        var statistics = new StatisticsStore(database);
        foreach (var scope in new[] { new StatisticsScope(2026, null, null), new StatisticsScope(2026, 2, null), new StatisticsScope(2026, null, 11), new StatisticsScope(2026, 2, 11) })
        {
            await statistics.LoadAsync(scope, Now, ct);
            foreach (var viewer in Viewers())
            {
                await statistics.AdoptedItemsAsync(scope, viewer, ct);
            }
        }

        var notifications = new NotificationStore(database);
        await notifications.ForViewerAsync(Viewers()[0], unreadOnly: true, 20, ct);
        await notifications.ForViewerAsync(Viewers()[1], unreadOnly: false, 20, ct);
        await notifications.MarkReadAsync(Viewers()[0], [1, 2], Now, ct);

        var reminders = new ReminderStore(database);
        await reminders.ClaimDueAsync("host-a", Now, 50, TimeSpan.FromMinutes(5), ReminderLevels.All, ct);
        await reminders.SubjectsAsync([1, 2], ct);
        var due = new DueReminder(1, 1, 7, "blue", Now, "[]", "1d", false);
        await reminders.DeliverAsync(due, "host-a", [new ReminderNotice(11, null, "department", "reminder-blue", "标题", "正文"), new ReminderNotice(null, "supervision", "supervisor", "reminder-blue", "标题", "正文")], Now.AddDays(1), Now, ct);
        await reminders.CancelClaimedAsync(1, "host-a", ct);
        await reminders.RenewAsync("host-a", [1, 2], Now.AddMinutes(1), ct);
        await reminders.MarkFailedAsync(1, "host-a", "bad recipients", Now.AddMinutes(1), 5, Now, ct);
        await reminders.RequeueDeadAsync(1, Now, ct);
        await reminders.ListDeadAsync(0, 20, ct);
        await Assert.ThrowsAsync<InvalidOperationException>(() => reminders.CountsAsync(ct));
        var outbox = new OutboxStore(database);
        await outbox.ClaimUnroutedAsync("host-a", Now, 50, TimeSpan.FromMinutes(5), ct);
        await outbox.RouteAsync(1, "host-a", ["mail", "robot"], Now, ct);
        await outbox.ClaimDueDeliveriesAsync("host-a", Now, 50, TimeSpan.FromMinutes(5), ct);
        await outbox.RenewUnroutedAsync("host-a", [1, 2], Now.AddMinutes(1), ct);
        await outbox.RenewDeliveriesAsync("host-a", [1, 2], Now.AddMinutes(1), ct);
        await outbox.MarkSentAsync(1, "host-a", Now, ct);
        await outbox.MarkFailedAsync(1, "host-a", "smtp down", Now.AddMinutes(5), 5, ct);
        await outbox.RetryDeadAsync(1, Now, ct);
        await outbox.ListAsync("dead", 0, 20, ct);
        // The recording connection answers no rows, and the counts are read as exactly one.
        await Assert.ThrowsAsync<InvalidOperationException>(() => outbox.CountsAsync(ct));
        await outbox.PostOnceAsync("digest", "2026-03-02", [new ReminderNotice(null, "supervision", "supervisor", "digest", "标题", "正文")], Now, ct);
        await outbox.HasRunAsync("digest", "2026-03-02", ct);

        // The migrator's own statements; DbUp's are those of the script it writes (see MigrationScriptFacts).
        using (var connection = DatabaseMigrator.AcquireLock(database))
        {
            DatabaseMigrator.ReleaseLock(database, connection);
        }
        return statements;
    }

    private static void AssertParses(string name, string sql)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(sql);
        parser.Parse(reader, out var errors);
        Assert.True(errors.Count == 0,
            $"{name} does not parse as T-SQL:\n{string.Join("\n", errors.Select(e => $"  line {e.Line}, column {e.Column}: {e.Message}"))}\n--- text ---\n{sql}");
    }

    private static List<Viewer> Viewers() =>
    [
        new(1, 2, OrganizationKind.Party, ["party-admin"]),
        new(2, 11, OrganizationKind.Department, ["department"]),
        new(3, 30, OrganizationKind.Supervision, ["supervisor"]),
    ];

    // A start and an adopt of a submitted item: together they write every kind of row a transition writes.
    // A revision (the text and the revision table) and an invitation to co-sign (the co-signers table) of a draft.
    private static IEnumerable<Transition> DraftTransitions(WorkflowDefinition definition)
    {
        var organizations = new Dictionary<long, OrganizationInfo>
        {
            [2] = new(2, "minmeng", "民盟市委会", OrganizationKind.Party, "Asia/Shanghai", true),
            [3] = new(3, "jiusan", "九三学社市委会", OrganizationKind.Party, "Asia/Shanghai", true),
        };
        var context = new EngineContext(Now, WorkingCalendar.WeekendsOnly, organizations);
        var admin = new Actor(3, "minmeng.admin", "管理员", 2, new HashSet<string> { Roles.PartyAdmin });
        var start = WorkflowEngine.Start(definition, admin, new NewProposal(2, null, null, "标题", "摘要", "正文"), context).Transition!;
        var draft = start.After with { Id = 1 };
        var revise = WorkflowEngine.Apply(definition, draft, admin, "revise", JsonNode.Parse("""{"title": "新标题", "body": "新正文"}""")!.AsObject(), null, context);
        var invite = WorkflowEngine.Apply(definition, draft, admin, "invite-cosigner", JsonNode.Parse("""{"partyId": 3}""")!.AsObject(), null, context);
        Assert.Null(revise.Refusal);
        Assert.Null(invite.Refusal);
        return [revise.Transition!, invite.Transition!];
    }

    private static (Transition Start, Transition Adopt) Transitions(WorkflowDefinition definition)
    {
        var organizations = new Dictionary<long, OrganizationInfo>
        {
            [2] = new(2, "minmeng", "民盟市委会", OrganizationKind.Party, "Asia/Shanghai", true),
            [10] = new(10, "zfb", "市政府办", OrganizationKind.Government, "Asia/Shanghai", true),
            [11] = new(11, "fgj", "发改局", OrganizationKind.Department, "Asia/Shanghai", true),
            [12] = new(12, "jyj", "教育局", OrganizationKind.Department, "Asia/Shanghai", true),
        };
        var context = new EngineContext(Now, WorkingCalendar.WeekendsOnly, organizations);
        var member = new Actor(1, "minmeng.member", "党员", 2, new HashSet<string> { Roles.PartyMember });
        var start = WorkflowEngine.Start(definition, member, new NewProposal(2, null, null, "标题", "摘要", "正文"), context).Transition!;
        var submitted = start.After with
        {
            Id = 1,
            State = "government-review",
            Version = 3,
            OpenTasks = [new OpenTask(7, "decide", 10, new DateOnly(2026, 3, 30), Now)],
        };
        var government = new Actor(2, "zfb.reviewer", "审阅人", 10, new HashSet<string> { Roles.Government });
        var data = JsonNode.Parse("""{"leadDepartmentId": 11, "coDepartmentIds": [12]}""")!.AsObject();
        var adopt = WorkflowEngine.Apply(definition, submitted, government, "adopt", data, "同意", context).Transition!;
        Assert.NotEmpty(adopt.ClosedTasks);
        Assert.NotEmpty(adopt.OpenedTasks.SelectMany(t => t.Reminders));
        Assert.NotEmpty(adopt.Notifications);
        return (start, adopt);
    }
}
