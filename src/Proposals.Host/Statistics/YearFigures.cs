using Proposals.Data.Statistics;
using Proposals.Engine.Execution;
using Proposals.Host.Proposals;

namespace Proposals.Host.Statistics;

/// <summary>A rate with what it was computed from; <c>value</c> is null when there was nothing to count.</summary>
internal sealed record Rate(int Numerator, int Denominator, double? Value)
{
    public static Rate Of(int numerator, int denominator) =>
        new(numerator, denominator, denominator == 0 ? null : Math.Round((double)numerator / denominator, 4));
}

internal sealed record DecisionFigures(int Adopted, int PartlyAdopted, int KeptForReference, int NotAdopted, int Total);

internal sealed record OverdueFigures(int Count, int WorkingDays);

internal sealed record ExtensionFigures(int Requested, int Granted, int Refused);

internal sealed record ReplyFigures(int A, int B, int C, int Total);

internal sealed record RatingFigures(int Satisfied, int BasicallySatisfied, int NotSatisfied, Rate SatisfactionRate);

/// <summary>
/// The figures of one row of the statistics. Topic, report and decision figures are the party side's and are null in
/// department rows and in a department's own view.
/// </summary>
internal sealed record Figures(
    int? TopicsSet, int? TopicsClaimed, int? ReportsSubmitted, DecisionFigures? Decisions, Rate? AdoptionRate,
    int ItemsAssigned, int AssignmentsReturned, Rate OnTimeSigning, Rate OnTimeReply, OverdueFigures Overdue,
    ExtensionFigures Extensions, ReplyFigures Replies, RatingFigures ResultRating, RatingFigures AttitudeRating, int SecondRoundItems,
    int? JointProposals);

internal sealed record TopicRef(long? Id, string Title);

internal sealed record OrganizationFigures(OrganizationRef Organization, Figures Figures);

internal sealed record TopicFigures(TopicRef Topic, Figures Figures);

/// <summary>The year's figures as <c>GET /api/stats</c> returns them.</summary>
internal sealed record StatsResponse(
    int Year, string Scope, OrganizationRef? Party, OrganizationRef? Department, DateTimeOffset ComputedAt, Figures Total,
    IReadOnlyList<OrganizationFigures> ByParty, IReadOnlyList<OrganizationFigures> ByDepartment, IReadOnlyList<TopicFigures> ByTopic);

/// <summary>
/// Folds the facts the database counted into the figures of process.md, for the whole scope and broken down by party,
/// department and topic. Definitions (also in README):
/// a decision is the government's adopt / keep-for-reference / reject; the adoption rate is adopted and partly adopted
/// over all decisions; a step (signing, reply) is on time when the action of that name answered it before its deadline,
/// over the steps answered plus those still open past it; a step is overdue when it stayed open past its deadline
/// (a deadline moved by a granted extension replaces the old one), and its overdue days are the working days from the
/// deadline to its answer or to today; replies and evaluations count each one, so an item handled twice counts twice;
/// the satisfaction rate is satisfied and basically satisfied over all ratings given.
/// </summary>
internal static class YearFigures
{
    public const string SelfChosenTopicTitle = "自选课题";

    private static readonly HashSet<string> PartySideActions = new(["submit", "adopt", "keep-for-reference", "reject"], StringComparer.Ordinal);

    public static StatsResponse Compute(StatisticsScope scope, YearFacts facts, EngineContext context)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(context);
        var departmentView = scope.DepartmentId is not null;
        var lateDays = LateStepsByGroup(facts.LateSteps, context);

        // A joint item is in the facts once for each of its parties; every row but a party's own counts it once, for its
        // proposing party (in a party's own view each item it is on appears once, whether it proposed or co-signed it).
        bool Once(bool isLead) => isLead || scope.PartyId is not null;

        Figures Fold(Func<long, long?, long?, bool, bool> take, bool departmentRow, Func<TopicFact, bool>? topicRow = null)
        {
            var tally = new Tally();
            foreach (var e in facts.Events.Where(e => take(e.PartyId, e.TopicId, e.OrganizationId, e.IsLead)))
            {
                if (departmentRow && PartySideActions.Contains(e.Action))
                {
                    continue;
                }
                tally.Add(e);
            }
            foreach (var a in facts.Assignments.Where(a => take(a.PartyId, a.TopicId, a.OrganizationId, a.IsLead)))
            {
                tally.DepartmentAssignments += a.Items;
            }
            foreach (var s in facts.Steps.Where(s => take(s.PartyId, s.TopicId, s.OrganizationId, s.IsLead)))
            {
                tally.Add(s);
            }
            foreach (var late in lateDays.Where(l => take(l.PartyId, l.TopicId, l.OrganizationId, l.IsLead)))
            {
                tally.OverdueCount += late.Count;
                tally.OverdueDays += late.Days;
            }
            foreach (var r in facts.SecondRounds.Where(r => take(r.PartyId, r.TopicId, null, r.IsLead)))
            {
                tally.SecondRoundItems += r.Items;
            }
            foreach (var j in facts.JointItems.Where(j => take(j.PartyId, j.TopicId, null, j.IsLead)))
            {
                tally.JointItems += j.Items;
            }
            var partySide = !departmentRow && !departmentView;
            return tally.ToFigures(partySide, departmentRow || departmentView, partySide ? TopicCounts(facts.Topics, scope, topicRow) : null);
        }

        var total = Fold((_, _, _, lead) => Once(lead), departmentRow: false);
        var parties = context.Organizations.Values.Where(o => o.Kind == OrganizationKind.Party && (scope.PartyId is null || o.Id == scope.PartyId))
            .Where(o => o.Active || facts.Events.Any(e => e.PartyId == o.Id))
            .OrderBy(o => o.Id).ToList();
        var byParty = parties.Select(o => new OrganizationFigures(ProposalViews.Organization(context, o.Id),
            Fold((party, _, _, _) => party == o.Id, departmentRow: false, t => t.PartyId == o.Id))).ToList();
        var departments = context.Organizations.Values.Where(o => o.Kind == OrganizationKind.Department && (scope.DepartmentId is null || o.Id == scope.DepartmentId))
            .Where(o => o.Active || facts.Assignments.Any(a => a.OrganizationId == o.Id))
            .OrderBy(o => o.Id).ToList();
        var byDepartment = departments.Select(o => new OrganizationFigures(ProposalViews.Organization(context, o.Id),
            Fold((_, _, org, lead) => org == o.Id && Once(lead), departmentRow: true))).ToList();
        var topics = facts.Topics.GroupBy(t => t.TopicId).Select(g => g.First())
            .Where(t => facts.Topics.Any(f => f.TopicId == t.TopicId && f.Year == scope.Year && (scope.PartyId is null || f.PartyId == scope.PartyId))
                || facts.Events.Any(e => e.TopicId == t.TopicId) || facts.Steps.Any(s => s.TopicId == t.TopicId))
            .OrderBy(t => t.TopicId)
            .Select(t => new TopicFigures(new TopicRef(t.TopicId, t.Title), Fold((_, topic, _, lead) => topic == t.TopicId && Once(lead), departmentRow: false, f => f.TopicId == t.TopicId)))
            .ToList();
        if (facts.Events.Any(e => e.TopicId is null) || facts.Steps.Any(s => s.TopicId is null))
        {
            topics.Add(new TopicFigures(new TopicRef(null, SelfChosenTopicTitle), Fold((_, topic, _, lead) => topic is null && Once(lead), departmentRow: false, _ => false)));
        }
        return new StatsResponse(
            scope.Year,
            departmentView ? "department" : scope.PartyId is not null ? "party" : "all",
            scope.PartyId is { } p ? ProposalViews.Organization(context, p) : null,
            scope.DepartmentId is { } d ? ProposalViews.Organization(context, d) : null,
            context.Now, total, byParty, byDepartment, topics);
    }

    private sealed record LateGroup(long PartyId, long? TopicId, long OrganizationId, bool IsLead, int Count, int Days);

    /// <summary>
    /// The late steps counted per party, topic and organisation, with their working days overdue. A year at scale has
    /// tens of thousands of late steps but few distinct (time zone, deadline, end day) triples, so each is counted once.
    /// </summary>
    private static List<LateGroup> LateStepsByGroup(IReadOnlyList<LateStep> steps, EngineContext context)
    {
        var known = new Dictionary<(string Zone, DateOnly Due, DateOnly End), int>();
        int Days(LateStep step)
        {
            var clock = context.ClockFor(step.OrganizationId);
            var end = step.ClosedAt ?? context.Now;
            // The days overdue depend only on the deadline and the local day the step ended (or today).
            var key = (clock.TimeZone.Id, step.DueDate, clock.LocalDate(end));
            if (!known.TryGetValue(key, out var days))
            {
                days = clock.WorkingDaysOverdue(step.DueDate, end);
                known[key] = days;
            }
            return days;
        }
        return steps.GroupBy(s => (s.PartyId, s.TopicId, s.OrganizationId, s.IsLead))
            .Select(g => new LateGroup(g.Key.PartyId, g.Key.TopicId, g.Key.OrganizationId, g.Key.IsLead, g.Count(), g.Sum(Days)))
            .ToList();
    }

    /// <summary>
    /// Topics set and claimed: for the whole scope the year's topics (in a party's view, those it was given or took)
    /// and those claimed by at least one party; for a party its topics and those it claimed itself; for a topic, itself
    /// and the number of parties that claimed it.
    /// </summary>
    private static (int Set, int Claimed) TopicCounts(IReadOnlyList<TopicFact> topics, StatisticsScope scope, Func<TopicFact, bool>? row)
    {
        var taken = topics.Where(t => t.Year == scope.Year && (scope.PartyId is null || t.PartyId == scope.PartyId) && (row is null || row(t))).ToList();
        var claimed = taken.Where(t => t.How == "claimed").ToList();
        return (taken.Select(t => t.TopicId).Distinct().Count(), row is null ? claimed.Select(t => t.TopicId).Distinct().Count() : claimed.Count);
    }

    private sealed class Tally
    {
        public int Submitted;
        public int Adopted;
        public int PartlyAdopted;
        public int KeptForReference;
        public int NotAdopted;
        public int DepartmentAssignments;
        public int Returned;
        public int SignAnswered;
        public int SignOnTime;
        public int SignOpenLate;
        public int ReplyAnswered;
        public int ReplyOnTime;
        public int ReplyOpenLate;
        public int OverdueCount;
        public int OverdueDays;
        public int ExtensionsRequested;
        public int ExtensionsGranted;
        public int ExtensionsRefused;
        public readonly Dictionary<string, int> Categories = new(StringComparer.Ordinal);
        public readonly Dictionary<string, int> Results = new(StringComparer.Ordinal);
        public readonly Dictionary<string, int> Attitudes = new(StringComparer.Ordinal);
        public int SecondRoundItems;
        public int NotSatisfiedItems;
        public int JointItems;

        public void Add(EventFact e)
        {
            switch (e.Action)
            {
                case "submit": Submitted += e.Items; break;
                case "adopt" when StatisticsStore.IsTrue(e.Detail): PartlyAdopted += e.Items; break;
                case "adopt": Adopted += e.Items; break;
                case "keep-for-reference": KeptForReference += e.Items; break;
                case "reject": NotAdopted += e.Items; break;
                case "return-assignment": Returned += e.Events; break;
                case "request-extension": ExtensionsRequested += e.Events; break;
                case "grant-extension": ExtensionsGranted += e.Events; break;
                case "refuse-extension": ExtensionsRefused += e.Events; break;
                case "reply": Count(Categories, e.Detail, e.Events); break;
                case "evaluate":
                    NotSatisfiedItems += e.Detail == "not-satisfied" ? e.Items : 0;
                    Count(Results, e.Detail, e.Events);
                    Count(Attitudes, e.Attitude, e.Events);
                    break;
            }
        }

        public void Add(StepFact s)
        {
            if (s.TaskId == "sign")
            {
                SignAnswered += s.Answered;
                SignOnTime += s.AnsweredOnTime;
                SignOpenLate += s.OpenOverdue;
            }
            else
            {
                ReplyAnswered += s.Answered;
                ReplyOnTime += s.AnsweredOnTime;
                ReplyOpenLate += s.OpenOverdue;
            }
        }

        private static void Count(Dictionary<string, int> counts, string? key, int n)
        {
            if (key is not null)
            {
                counts[key] = counts.GetValueOrDefault(key) + n;
            }
        }

        private static RatingFigures Ratings(Dictionary<string, int> counts)
        {
            var satisfied = counts.GetValueOrDefault("satisfied");
            var basically = counts.GetValueOrDefault("basically-satisfied");
            var not = counts.GetValueOrDefault("not-satisfied");
            return new RatingFigures(satisfied, basically, not, Rate.Of(satisfied + basically, satisfied + basically + not));
        }

        public Figures ToFigures(bool partySide, bool assignmentsFromDepartments, (int Set, int Claimed)? topics)
        {
            var decided = Adopted + PartlyAdopted + KeptForReference + NotAdopted;
            var a = Categories.GetValueOrDefault("A");
            var b = Categories.GetValueOrDefault("B");
            var c = Categories.GetValueOrDefault("C");
            return new Figures(
                topics?.Set, topics?.Claimed,
                partySide ? Submitted : null,
                partySide ? new DecisionFigures(Adopted, PartlyAdopted, KeptForReference, NotAdopted, decided) : null,
                partySide ? Rate.Of(Adopted + PartlyAdopted, decided) : null,
                assignmentsFromDepartments ? DepartmentAssignments : Adopted + PartlyAdopted,
                Returned,
                Rate.Of(SignOnTime, SignAnswered + SignOpenLate),
                Rate.Of(ReplyOnTime, ReplyAnswered + ReplyOpenLate),
                new OverdueFigures(OverdueCount, OverdueDays),
                new ExtensionFigures(ExtensionsRequested, ExtensionsGranted, ExtensionsRefused),
                new ReplyFigures(a, b, c, a + b + c),
                Ratings(Results), Ratings(Attitudes),
                // An item goes into a second round only when its reply was judged not satisfactory; a department's
                // rows count the items sent back on its replies, the others every item past its first round.
                assignmentsFromDepartments ? NotSatisfiedItems : SecondRoundItems,
                partySide ? JointItems : null);
        }
    }
}
