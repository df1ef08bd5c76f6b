using System.Text.Json;
using Dapper;
using Proposals.Data;
using Proposals.Data.Organizations;
using Proposals.Engine.Definitions;
using Proposals.Engine.Execution;
using Proposals.Host.Proposals;
using Proposals.Host.Workflows;

namespace Proposals.Benchmarks;

/// <summary>
/// Fills a migrated database that holds the demo city with years of proposals, written directly and in bulk: each
/// in a state of the published workflow with its stage, the tasks that state keeps open (some overdue), the closed
/// tasks of the steps behind it, its departments once adopted and the audit events of its decisions. Forty
/// departments in all, ten years; most items of past years are closed. The same seed gives the same city.
/// </summary>
internal sealed class CityGenerator
{
    public const int Seed = 20_260_302;
    private const int ChunkSize = 5_000;
    private const int Years = 10;
    private const int ExtraDepartments = 36;

    private static readonly string[] ProposalColumns = ["id", "workflow_id", "workflow_version", "state", "stage", "is_open", "version", "party_id", "year", "title", "summary", "body", "round", "key_supervision", "item_due_date", "created_by", "created_at", "updated_at", "shared_at"];
    private static readonly string[] TaskColumns = ["id", "proposal_id", "task_id", "name", "organization_id", "roles", "round", "opened_at", "due_date", "due_at", "closed_at", "close_reason"];
    private static readonly string[] DepartmentColumns = ["proposal_id", "organization_id", "is_lead", "assigned_at", "signed_at", "opinion_at", "ended_at", "end_reason", "seq"];
    private static readonly string[] AuditColumns = ["proposal_id", "sequence", "action", "from_state", "to_state", "actor_user_id", "actor_name", "organization_id", "at", "comment", "data", "workflow_version"];
    private static readonly string[] ReminderColumns = ["proposal_id", "task_row_id", "level", "due_at", "recipients", "repeat_every", "flag_key", "status", "created_at"];
    private static readonly string[] Subjects = ["优化营商环境", "发展数字经济", "推进乡村振兴", "完善养老服务", "加强生态保护", "促进青年就业", "提升基础教育质量", "改善城市交通"];
    private static readonly JsonSerializerOptions RecipientJson = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
    private static readonly string Body = string.Concat(Enumerable.Repeat("一、现状与问题。二、原因分析。三、对策建议：建立协调机制，明确责任分工，加强督促检查。", 4));

    private readonly Database _database;
    private readonly WorkflowDefinition _workflow;
    private readonly Random _random = new(Seed);
    private readonly DateTimeOffset _now;
    private readonly long[] _parties;
    private readonly long[] _departments;
    private readonly long _government;
    private readonly (long Id, string Name) _author;
    private readonly (long Id, string Name) _reviewer;
    private long _nextProposalId;
    private long _nextTaskId;

    private CityGenerator(Database database, WorkflowDefinition workflow, DateTimeOffset now, IReadOnlyList<Organization> organizations, (long, string) author, (long, string) reviewer, long lastProposal, long lastTask)
    {
        _database = database;
        _workflow = workflow;
        _now = now;
        _parties = organizations.Where(o => o.Kind == OrganizationKind.Party).Select(o => o.Id).ToArray();
        _departments = organizations.Where(o => o.Kind == OrganizationKind.Department).Select(o => o.Id).ToArray();
        _government = organizations.First(o => o.Kind == OrganizationKind.Government).Id;
        _author = author;
        _reviewer = reviewer;
        _nextProposalId = lastProposal + 1;
        _nextTaskId = lastTask + 1;
    }

    /// <summary>A generator for the host's database, after adding the departments a city has beyond the demo's four.</summary>
    public static async Task<CityGenerator> CreateAsync(BenchmarkHost host, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var organizationStore = host.Get<OrganizationStore>();
        for (var i = 1; i <= ExtraDepartments; i++)
        {
            await organizationStore.EnsureAsync($"dept{i:00}", $"市直部门{i:00}", OrganizationKind.Department, now, cancellationToken);
        }
        var users = host.Get<UserStore>();
        var author = await users.FindByNameAsync("minmeng.member", cancellationToken) ?? throw new InvalidOperationException("The demo city is missing.");
        var reviewer = await users.FindByNameAsync("zfb.reviewer", cancellationToken) ?? throw new InvalidOperationException("The demo city is missing.");
        var database = host.Get<Database>();
        await using var connection = await database.OpenAsync(cancellationToken);
        var lastProposal = await connection.ExecuteScalarAsync<long>("SELECT COALESCE(MAX(id), 0) FROM proposals");
        var lastTask = await connection.ExecuteScalarAsync<long>("SELECT COALESCE(MAX(id), 0) FROM tasks");
        var workflow = host.Get<WorkflowCatalog>().Latest(ProposalActions.ProposalWorkflowId) ?? throw new InvalidOperationException("No published workflow.");
        return new CityGenerator(database, workflow, now, await organizationStore.ListAsync(cancellationToken),
            (author.Id, author.DisplayName), (reviewer.Id, reviewer.DisplayName), lastProposal, lastTask);
    }

    /// <summary>Writes <paramref name="count"/> proposals with their tasks, departments and decisions, in transactions of a few thousand.</summary>
    public async Task AddProposalsAsync(int count, CancellationToken cancellationToken)
    {
        for (var done = 0; done < count; done += ChunkSize)
        {
            var chunk = new Chunk();
            for (var i = 0; i < Math.Min(ChunkSize, count - done); i++)
            {
                AddProposal(chunk);
            }
            await _database.InTransactionAsync(async (connection, transaction) =>
            {
                // Parents before children: SQLite checks each foreign key as the row goes in.
                await BulkRows.WriteAsync(connection, transaction, _database.Provider, "proposals", ProposalColumns, chunk.Proposals, cancellationToken);
                await BulkRows.WriteAsync(connection, transaction, _database.Provider, "tasks", TaskColumns, chunk.Tasks, cancellationToken);
                await BulkRows.WriteAsync(connection, transaction, _database.Provider, "proposal_departments", DepartmentColumns, chunk.Departments, cancellationToken);
                await BulkRows.WriteAsync(connection, transaction, _database.Provider, "audit_events", AuditColumns, chunk.Audit, cancellationToken);
                return 0;
            }, cancellationToken);
        }
        await FinishAsync(cancellationToken);
    }

    /// <summary>Schedules <paramref name="count"/> reminders, already due, spread over the open tasks, each for the organisation that owes its task.</summary>
    public async Task AddDueRemindersAsync(int count, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        var tasks = (await connection.QueryAsync<(long Id, long ProposalId, long OrganizationId)>(
            "SELECT id, proposal_id, organization_id FROM tasks WHERE closed_at IS NULL ORDER BY id")).ToList();
        if (tasks.Count == 0)
        {
            throw new InvalidOperationException("No open task to remind anyone of.");
        }
        var rows = Enumerable.Range(0, count).Select(i =>
        {
            var task = tasks[i % tasks.Count];
            var recipients = JsonSerializer.Serialize(new[] { new Recipient(task.OrganizationId, null, null) }, RecipientJson);
            var due = _now.AddMinutes(-1 - _random.Next(600)).UtcDateTime;
            return new object?[] { task.ProposalId, task.Id, "reminder", due, recipients, null, false, "pending", due.AddDays(-3) };
        }).ToList();
        await _database.InTransactionAsync(async (c, t) =>
        {
            await BulkRows.WriteAsync(c, t, _database.Provider, "reminders", ReminderColumns, rows, cancellationToken);
            return 0;
        }, cancellationToken);
    }

    // Ids were given explicitly, so PostgreSQL's identity sequences are moved past them; and fresh statistics, as a
    // database that has lived with these rows would have.
    private async Task FinishAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        if (_database.Provider == DatabaseProvider.PostgreSql)
        {
            foreach (var table in new[] { "proposals", "tasks" })
            {
                await connection.ExecuteAsync($"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))");
            }
        }
        // Dapper takes a command without a space for a stored procedure.
        await connection.ExecuteAsync(new CommandDefinition("ANALYZE", commandTimeout: 600, commandType: System.Data.CommandType.Text, cancellationToken: cancellationToken));
    }

    private sealed class Chunk
    {
        public List<object?[]> Proposals { get; } = [];
        public List<object?[]> Tasks { get; } = [];
        public List<object?[]> Departments { get; } = [];
        public List<object?[]> Audit { get; } = [];
    }

    private void AddProposal(Chunk chunk)
    {
        var id = _nextProposalId++;
        var year = _now.Year - _random.Next(Years);
        var currentYear = year == _now.Year;
        var yearStart = new DateTimeOffset(year, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var yearEnd = currentYear ? _now : yearStart.AddYears(1);
        var created = Between(yearStart, yearEnd);
        var state = PickState(currentYear);
        // An open item entered its state lately: within the hundred days of its implementation, or the month the earlier
        // steps take; a closed one at some point after it was created. So some steps, not most, are overdue.
        var entered = _workflow.State(state).Final ? Between(created, yearEnd) : Max(created, _now.AddDays(-_random.Next(1, state == "implementation" ? 100 : 32)));
        var party = _parties[_random.Next(_parties.Length)];
        var adopted = state is "implementation" or "evaluation" or "closed";
        var decided = adopted || state is "closed-reference" or "closed-not-adopted";
        // Adoption is what moved an item into implementation; later states were decided some time before.
        var decidedAt = state == "implementation" ? entered : Between(created, entered);
        DateOnly? itemDue = adopted ? DateOnly.FromDateTime(decidedAt.AddDays(90).UtcDateTime) : null;
        long lead = 0;
        var coDepartments = new List<long>();
        if (adopted)
        {
            lead = _departments[_random.Next(_departments.Length)];
            for (var co = _random.Next(3); co > 0; co--)
            {
                var department = _departments[_random.Next(_departments.Length)];
                if (department != lead && !coDepartments.Contains(department))
                {
                    coDepartments.Add(department);
                }
            }
            chunk.Departments.Add([id, lead, true, decidedAt.UtcDateTime, decidedAt.AddDays(1).UtcDateTime, null, null, null, 0]);
            for (var seq = 0; seq < coDepartments.Count; seq++)
            {
                chunk.Departments.Add([id, coDepartments[seq], false, decidedAt.UtcDateTime, decidedAt.AddDays(2).UtcDateTime, decidedAt.AddDays(20).UtcDateTime, null, null, seq + 1]);
            }
        }
        var version = state switch
        {
            "draft" => 1,
            "party-review" => 2,
            "government-review" => 3,
            "closed-reference" or "closed-not-adopted" => 4,
            "implementation" => 4 + 1 + coDepartments.Count,
            "evaluation" => 5 + 2 * coDepartments.Count + 1,
            _ => 5 + 2 * coDepartments.Count + 2,
        };
        var open = !_workflow.State(state).Final;
        var keySupervision = state == "implementation" && _random.Next(100) < 3;
        chunk.Proposals.Add([id, _workflow.Id, _workflow.Version, state, _workflow.State(state).Stage, open, version, party, year,
            $"关于{Subjects[_random.Next(Subjects.Length)]}的建议（{id}）", "三条建议", Body, 1, keySupervision, itemDue, _author.Id, created.UtcDateTime, entered.UtcDateTime,
            _workflow.PartyOnlyStates().Contains(state) ? null : decidedAt.UtcDateTime]);

        // The steps behind the item, closed, then what its state keeps open.
        if (state != "draft")
        {
            AddTask(chunk, id, "research", party, created, Date(created.AddDays(60)), closedAt: Between(created, decidedAt));
        }
        if (decided)
        {
            AddTask(chunk, id, "decide", _government, created, Date(created.AddDays(28)), closedAt: decidedAt);
            var action = adopted ? "adopt" : state == "closed-reference" ? "keep-for-reference" : "reject";
            chunk.Audit.Add([id, 4, action, "government-review", adopted ? "implementation" : state, _reviewer.Id, _reviewer.Name, _government, decidedAt.UtcDateTime, null,
                adopted ? $$"""{"partly":false,"leadDepartmentId":{{lead}}}""" : """{"reason":"已有相关政策"}""", _workflow.Version]);
        }
        if (state is "evaluation" or "closed")
        {
            AddTask(chunk, id, "reply", lead, decidedAt, itemDue!.Value, closedAt: Between(decidedAt, entered));
        }
        if (state == "closed")
        {
            AddTask(chunk, id, "evaluate", party, entered.AddDays(-10), Date(entered.AddDays(11)), closedAt: entered);
            chunk.Audit.Add([id, version, "evaluate", "evaluation", "closed", _author.Id, _author.Name, party, entered.UtcDateTime, null, """{"rating":"satisfied"}""", _workflow.Version]);
        }
        switch (state)
        {
            case "draft":
                AddTask(chunk, id, "research", party, entered, Date(entered.AddDays(60)), closedAt: null);
                break;
            case "party-review":
                AddTask(chunk, id, "party-review", party, entered, Date(entered.AddDays(30)), closedAt: null);
                break;
            case "government-review":
                AddTask(chunk, id, "decide", _government, entered, Date(entered.AddDays(28)), closedAt: null);
                break;
            case "implementation":
                AddTask(chunk, id, "reply", lead, decidedAt, itemDue!.Value, closedAt: null);
                foreach (var co in coDepartments.Where(_ => _random.Next(2) == 0))
                {
                    AddTask(chunk, id, "opinion", co, decidedAt, itemDue.Value.AddDays(-28), closedAt: null);
                }
                break;
            case "evaluation":
                AddTask(chunk, id, "evaluate", party, entered, Date(entered.AddDays(21)), closedAt: null);
                break;
        }
    }

    private void AddTask(Chunk chunk, long proposalId, string taskId, long organizationId, DateTimeOffset opened, DateOnly dueDate, DateTimeOffset? closedAt)
    {
        var definition = _workflow.Task(taskId);
        // The end of the due date in Beijing (UTC+8), as deadlines fall at the end of the working day.
        var dueAt = dueDate.ToDateTime(new TimeOnly(16, 0), DateTimeKind.Utc);
        chunk.Tasks.Add([_nextTaskId++, proposalId, taskId, definition.Name, organizationId, string.Join(',', definition.Roles), 1, opened.UtcDateTime,
            dueDate, dueAt, closedAt?.UtcDateTime, closedAt is null ? null : "done"]);
    }

    private string PickState(bool currentYear)
    {
        var roll = _random.Next(1000);
        if (!currentYear)
        {
            // A few items of past years are still being carried out: the long tail the supervision office chases.
            return roll switch { < 3 => "implementation", < 650 => "closed", < 830 => "closed-reference", _ => "closed-not-adopted" };
        }
        return roll switch
        {
            < 100 => "draft",
            < 150 => "party-review",
            < 300 => "government-review",
            < 750 => "implementation",
            < 850 => "evaluation",
            < 950 => "closed",
            < 980 => "closed-reference",
            _ => "closed-not-adopted",
        };
    }

    private DateTimeOffset Between(DateTimeOffset from, DateTimeOffset to) =>
        to <= from ? from : from + TimeSpan.FromSeconds(_random.NextDouble() * (to - from).TotalSeconds);

    private static DateOnly Date(DateTimeOffset instant) => DateOnly.FromDateTime(instant.UtcDateTime);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
