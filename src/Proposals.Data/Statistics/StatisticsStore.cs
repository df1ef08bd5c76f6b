using System.Data.Common;
using Dapper;
using Proposals.Data.Dialects;

namespace Proposals.Data.Statistics;

/// <summary>
/// Which records a year's figures are counted over: the proposals of <paramref name="Year"/>, only those of one
/// party when <paramref name="PartyId"/> is set, and only the steps and answers of one department when
/// <paramref name="DepartmentId"/> is set.
/// </summary>
/// <param name="IncludePartyOnly">True only when the party asks for its own figures: items still in its hands count for nobody else.</param>
public sealed record StatisticsScope(int Year, long? PartyId, long? DepartmentId, bool IncludePartyOnly = false);

/// <summary>A topic the year's figures mention, with one party that has it (none when nobody took it).</summary>
public sealed class TopicFact
{
    public long TopicId { get; init; }
    public string Title { get; init; } = "";
    public int Year { get; init; }
    public long? PartyId { get; init; }
    public string? How { get; init; }
}

/// <summary>
/// Audit events of one kind on one party's proposals under one topic, attributed to one organisation: the actor, or for
/// an extension decision the department that asked and for an evaluation the department whose reply it judged.
/// <c>Detail</c> is the decision's <c>partly</c>, the reply's <c>category</c> or the evaluation's <c>rating</c>.
/// </summary>
public sealed class EventFact
{
    public long PartyId { get; init; }
    /// <summary>1 when the party is the item's proposing party, 0 when it co-signed it: a joint item counts for each of its parties.</summary>
    public int Lead { get; init; } = 1;

    public bool IsLead => Lead == 1;
    public long? TopicId { get; init; }
    public string Action { get; init; } = "";
    public long? OrganizationId { get; init; }
    public string? Detail { get; init; }
    public string? Attitude { get; init; }
    public int Events { get; init; }
    public int Items { get; init; }
}

/// <summary>How many of one party's proposals under one topic were ever assigned to one department.</summary>
public sealed class AssignmentFact
{
    public long PartyId { get; init; }
    /// <summary>1 when the party is the item's proposing party, 0 when it co-signed it: a joint item counts for each of its parties.</summary>
    public int Lead { get; init; } = 1;

    public bool IsLead => Lead == 1;
    public long? TopicId { get; init; }
    public long OrganizationId { get; init; }
    public int Items { get; init; }
}

/// <summary>Steps of one kind (<c>sign</c>, <c>reply</c>) owed by one organisation: answered, answered on time, and still open past the deadline.</summary>
public sealed class StepFact
{
    public long PartyId { get; init; }
    /// <summary>1 when the party is the item's proposing party, 0 when it co-signed it: a joint item counts for each of its parties.</summary>
    public int Lead { get; init; } = 1;

    public bool IsLead => Lead == 1;
    public long? TopicId { get; init; }
    public long OrganizationId { get; init; }
    public string TaskId { get; init; } = "";
    public int Answered { get; init; }
    public int AnsweredOnTime { get; init; }
    public int OpenOverdue { get; init; }
}

/// <summary>How many of one party's proposals under one topic went past their first round (二次办理).</summary>
public sealed class RoundFact
{
    public long PartyId { get; init; }
    /// <summary>1 when the party is the item's proposing party, 0 when it co-signed it: a joint item counts for each of its parties.</summary>
    public int Lead { get; init; } = 1;

    public bool IsLead => Lead == 1;
    public long? TopicId { get; init; }
    public int Items { get; init; }
}

/// <summary>A step that stayed open past its deadline: closed late, or still open and overdue now.</summary>
public sealed record LateStep(long PartyId, long? TopicId, long OrganizationId, DateOnly DueDate, DateTimeOffset? ClosedAt, bool IsLead = true);

/// <summary>Everything a year's figures are computed from, read in one go; <paramref name="JointItems"/> counts the items with co-signers.</summary>
public sealed record YearFacts(
    IReadOnlyList<TopicFact> Topics, IReadOnlyList<EventFact> Events, IReadOnlyList<AssignmentFact> Assignments,
    IReadOnlyList<StepFact> Steps, IReadOnlyList<LateStep> LateSteps, IReadOnlyList<RoundFact> SecondRounds, IReadOnlyList<RoundFact> JointItems);

/// <summary>An adopted item of a year with its outcome so far, for the annual report.</summary>
public sealed record AdoptedItem(
    long Id, string Title, long PartyId, long? TopicId, bool Partly, long? LeadDepartmentId, string State, int Round, bool KeySupervision,
    DateOnly? ItemDueDate, string? ReplyCategory, string? Rating);

/// <summary>
/// Reads what the yearly figures (统计与考核) are counted from. Counting is grouped in the database by party, topic and
/// organisation; only the late steps come back one by one, because their working days need the calendar.
/// </summary>
public sealed class StatisticsStore(Database database)
{
    /// <summary>The actions the figures count; their ids are part of the API contract.</summary>
    public static readonly IReadOnlyList<string> CountedActions =
        ["submit", "adopt", "keep-for-reference", "reject", "return-assignment", "request-extension", "grant-extension", "refuse-extension", "reply", "evaluate"];

    // Every party on an item: the proposing party (lead 1) and each party that accepted to co-sign it (lead 0). Facts are
    // counted per party on the item, so that a joint item counts for each of its parties; totals take the lead rows only.
    private const string PartiesOn = """
        (SELECT id AS proposal_id, party_id AS party_id, 1 AS is_lead FROM proposals
         UNION ALL
         SELECT proposal_id, organization_id, 0 FROM proposal_cosigners WHERE status = 'accepted')
        """;

    /// <summary>The steps whose timeliness departments are assessed on: signing for an item and replying to it.</summary>
    public static readonly IReadOnlyList<string> AssessedSteps = ["sign", "reply"];

    public async Task<YearFacts> LoadAsync(StatisticsScope scope, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var parameters = new
        {
            scope.Year, scope.PartyId, scope.DepartmentId, Now = now.UtcDateTime,
            Actions = CountedActions.ToArray(), Steps = AssessedSteps.ToArray(),
        };
        var dialect = database.Dialect;
        var shared = scope.IncludePartyOnly ? "" : " AND p.shared_at IS NOT NULL";
        var leadParty = (scope.PartyId is null ? "" : " AND p.party_id = @PartyId") + shared;
        var party = (scope.PartyId is null ? "" : " AND po.party_id = @PartyId") + shared;
        await using var connection = await database.OpenAsync(cancellationToken);

        var topics = await QueryAsync<TopicFact>(connection, $"""
            SELECT t.id AS TopicId, t.title AS Title, t.year AS Year, tp.organization_id AS PartyId, tp.how AS How
            FROM topics t LEFT JOIN topic_parties tp ON tp.topic_id = t.id
            WHERE t.year = @Year OR t.id IN (SELECT p.topic_id FROM proposals p WHERE p.year = @Year AND p.topic_id IS NOT NULL{leadParty})
            """, parameters, cancellationToken);

        // Extension decisions belong to the department that asked, evaluations to the department whose reply was judged:
        // the latest such event before them on the same item.
        var events = await QueryAsync<EventFact>(connection, $"""
            SELECT x.PartyId, x.Lead, x.TopicId, x.Action, x.OrganizationId, x.Detail, x.Attitude, COUNT(*) AS Events, COUNT(DISTINCT x.ProposalId) AS Items
            FROM (
                SELECT po.party_id AS PartyId, po.is_lead AS Lead, p.topic_id AS TopicId, e.proposal_id AS ProposalId, e.action AS Action,
                       CASE WHEN e.action IN ('grant-extension', 'refuse-extension', 'evaluate') THEN
                           (SELECT s.organization_id FROM audit_events s
                            WHERE s.proposal_id = e.proposal_id AND s.sequence =
                                (SELECT MAX(m.sequence) FROM audit_events m
                                 WHERE m.proposal_id = e.proposal_id AND m.sequence < e.sequence
                                   AND m.action = CASE WHEN e.action = 'evaluate' THEN 'reply' ELSE 'request-extension' END))
                       ELSE e.organization_id END AS OrganizationId,
                       CASE e.action WHEN 'adopt' THEN {dialect.JsonText("e.data", "partly")}
                                     WHEN 'reply' THEN {dialect.JsonText("e.data", "category")}
                                     WHEN 'evaluate' THEN {dialect.JsonText("e.data", "rating")}
                                     ELSE NULL END AS Detail,
                       CASE WHEN e.action = 'evaluate' THEN {dialect.JsonText("e.data", "attitudeRating")} ELSE NULL END AS Attitude
                FROM audit_events e JOIN proposals p ON p.id = e.proposal_id JOIN {PartiesOn} po ON po.proposal_id = p.id
                WHERE p.year = @Year AND {dialect.InList("e.action", "Actions")}{party}
            ) x
            {(scope.DepartmentId is null ? "" : "WHERE x.OrganizationId = @DepartmentId")}
            GROUP BY x.PartyId, x.Lead, x.TopicId, x.Action, x.OrganizationId, x.Detail, x.Attitude
            """, parameters, cancellationToken);

        var department = scope.DepartmentId is null ? "" : " AND d.organization_id = @DepartmentId";
        var assignments = await QueryAsync<AssignmentFact>(connection, $"""
            SELECT po.party_id AS PartyId, po.is_lead AS Lead, p.topic_id AS TopicId, d.organization_id AS OrganizationId, COUNT(DISTINCT d.proposal_id) AS Items
            FROM proposal_departments d JOIN proposals p ON p.id = d.proposal_id JOIN {PartiesOn} po ON po.proposal_id = p.id
            WHERE p.year = @Year{party}{department}
            GROUP BY po.party_id, po.is_lead, p.topic_id, d.organization_id
            """, parameters, cancellationToken);

        // A step is answered when the action named like it closed it; one closed by anything else (a return, a new
        // deadline) was not answered and counts only if it had already run late.
        var owner = scope.DepartmentId is null ? "" : " AND t.organization_id = @DepartmentId";
        var steps = await QueryAsync<StepFact>(connection, $"""
            SELECT po.party_id AS PartyId, po.is_lead AS Lead, p.topic_id AS TopicId, t.organization_id AS OrganizationId, t.task_id AS TaskId,
                   SUM(CASE WHEN t.close_reason = t.task_id THEN 1 ELSE 0 END) AS Answered,
                   SUM(CASE WHEN t.close_reason = t.task_id AND t.closed_at < t.due_at THEN 1 ELSE 0 END) AS AnsweredOnTime,
                   SUM(CASE WHEN t.closed_at IS NULL AND t.due_at <= @Now THEN 1 ELSE 0 END) AS OpenOverdue
            FROM tasks t JOIN proposals p ON p.id = t.proposal_id JOIN {PartiesOn} po ON po.proposal_id = p.id
            WHERE p.year = @Year AND t.due_at IS NOT NULL AND {dialect.InList("t.task_id", "Steps")}{party}{owner}
            GROUP BY po.party_id, po.is_lead, p.topic_id, t.organization_id, t.task_id
            """, parameters, cancellationToken);

        // A deadline moved by a granted extension replaces the old one, so the superseded step is not late.
        var lateSteps = await QueryAsync<LateStepRow>(connection, $"""
            SELECT po.party_id AS PartyId, po.is_lead AS Lead, p.topic_id AS TopicId, t.organization_id AS OrganizationId, t.due_date AS DueDate, t.closed_at AS ClosedAt
            FROM tasks t JOIN proposals p ON p.id = t.proposal_id JOIN {PartiesOn} po ON po.proposal_id = p.id
            WHERE p.year = @Year AND t.due_at IS NOT NULL AND t.due_date IS NOT NULL
              AND ((t.closed_at IS NULL AND t.due_at <= @Now) OR (t.closed_at >= t.due_at AND t.close_reason <> 'rescheduled')){party}{owner}
            """, parameters, cancellationToken);

        var secondRounds = await QueryAsync<RoundFact>(connection, $"""
            SELECT po.party_id AS PartyId, po.is_lead AS Lead, p.topic_id AS TopicId, COUNT(*) AS Items
            FROM proposals p JOIN {PartiesOn} po ON po.proposal_id = p.id
            WHERE p.year = @Year AND p.round > 1{party}
            GROUP BY po.party_id, po.is_lead, p.topic_id
            """, parameters, cancellationToken);

        var jointItems = await QueryAsync<RoundFact>(connection, $"""
            SELECT po.party_id AS PartyId, po.is_lead AS Lead, p.topic_id AS TopicId, COUNT(*) AS Items
            FROM proposals p JOIN {PartiesOn} po ON po.proposal_id = p.id
            WHERE p.year = @Year AND EXISTS (SELECT 1 FROM proposal_cosigners jc WHERE jc.proposal_id = p.id AND jc.status = 'accepted'){party}
            GROUP BY po.party_id, po.is_lead, p.topic_id
            """, parameters, cancellationToken);

        return new YearFacts(topics, events, assignments, steps,
            lateSteps.Select(r => new LateStep(r.PartyId, r.TopicId, r.OrganizationId, r.DueDate, DateValues.Load(r.ClosedAt), r.Lead == 1)).ToList(),
            secondRounds, jointItems);
    }

    /// <summary>The year's adopted items the viewer may see, oldest first, with the latest reply's category and the latest rating.</summary>
    public async Task<IReadOnlyList<AdoptedItem>> AdoptedItemsAsync(StatisticsScope scope, Viewer viewer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(viewer);
        var dialect = database.Dialect;
        // The action is named by a parameter of the statement, never written into its text.
        string Latest(string actionParameter, string property) => $"""
            (SELECT {dialect.JsonText("l.data", property)} FROM audit_events l
             WHERE l.proposal_id = p.id AND l.sequence = (SELECT MAX(lm.sequence) FROM audit_events lm WHERE lm.proposal_id = p.id AND lm.action = @{actionParameter}))
            """;
        // A party's report also lists the items it co-signed.
        var party = scope.PartyId is null ? ""
            : "AND (p.party_id = @PartyId OR EXISTS (SELECT 1 FROM proposal_cosigners ac WHERE ac.proposal_id = p.id AND ac.organization_id = @PartyId AND ac.status = 'accepted'))";
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await QueryAsync<AdoptedRow>(connection, $"""
            SELECT p.id AS Id, p.title AS Title, p.party_id AS PartyId, p.topic_id AS TopicId, p.state AS State, p.round AS Round,
                   p.key_supervision AS KeySupervision, p.item_due_date AS ItemDueDate,
                   {Latest("Adopt", "partly")} AS Partly,
                   (SELECT MAX(d.organization_id) FROM proposal_departments d WHERE d.proposal_id = p.id AND d.is_lead = @Lead AND d.ended_at IS NULL) AS LeadDepartmentId,
                   {Latest("Reply", "category")} AS ReplyCategory,
                   {Latest("Evaluate", "rating")} AS Rating
            FROM proposals p
            WHERE p.year = @Year AND {viewer.ProposalFilter}
              AND EXISTS (SELECT 1 FROM audit_events a WHERE a.proposal_id = p.id AND a.action = 'adopt')
              {party}
              {(scope.DepartmentId is null ? "" : "AND EXISTS (SELECT 1 FROM proposal_departments sd WHERE sd.proposal_id = p.id AND sd.organization_id = @DepartmentId)")}
            ORDER BY p.id
            """, new { scope.Year, scope.PartyId, scope.DepartmentId, ViewerOrganizationId = viewer.OrganizationId, Lead = true, Adopt = "adopt", Reply = "reply", Evaluate = "evaluate" }, cancellationToken);
        return rows.Select(r => new AdoptedItem(r.Id, r.Title, r.PartyId, r.TopicId, IsTrue(r.Partly), r.LeadDepartmentId, r.State, r.Round,
            r.KeySupervision, r.ItemDueDate, r.ReplyCategory, r.Rating)).ToList();
    }

    /// <summary>Whether a JSON boolean read by <see cref="Dialects.SqlDialect.JsonText"/> is true, as each database spells it.</summary>
    public static bool IsTrue(string? jsonText) => jsonText is "true" or "1";

    private static async Task<IReadOnlyList<T>> QueryAsync<T>(DbConnection connection, string sql, object parameters, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<T>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).ToList();

    private sealed class LateStepRow
    {
        public long PartyId { get; init; }
        public int Lead { get; init; }
        public long? TopicId { get; init; }
        public long OrganizationId { get; init; }
        public DateOnly DueDate { get; init; }
        public DateTime? ClosedAt { get; init; }
    }

    private sealed class AdoptedRow
    {
        public long Id { get; init; }
        public string Title { get; init; } = "";
        public long PartyId { get; init; }
        public long? TopicId { get; init; }
        public string State { get; init; } = "";
        public int Round { get; init; }
        public bool KeySupervision { get; init; }
        public DateOnly? ItemDueDate { get; init; }
        public string? Partly { get; init; }
        public long? LeadDepartmentId { get; init; }
        public string? ReplyCategory { get; init; }
        public string? Rating { get; init; }
    }
}
