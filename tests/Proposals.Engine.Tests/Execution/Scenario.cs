using System.Text.Json.Nodes;
using Proposals.Engine.Calendar;
using Proposals.Engine.Definitions;
using Proposals.Engine.Execution;

namespace Proposals.Engine.Tests.Execution;

/// <summary>The demo city's organisations, by the ids the tests use.</summary>
internal static class Orgs
{
    public const long Committee = 1;
    public const long Minmeng = 2;
    public const long Jiusan = 3;
    public const long Government = 10;
    public const long Fgj = 20;
    public const long Jyj = 21;
    public const long Zjj = 22;
    public const long Swj = 23;
    public const long Supervision = 30;

    public static IReadOnlyDictionary<long, OrganizationInfo> Directory() => new[]
    {
        Org(Committee, "tzb", "市委统战部", OrganizationKind.Committee),
        Org(Minmeng, "minmeng", "民盟市委会", OrganizationKind.Party),
        Org(Jiusan, "jiusan", "九三学社市委会", OrganizationKind.Party),
        Org(Government, "zfb", "市政府办", OrganizationKind.Government),
        Org(Fgj, "fgj", "发改局", OrganizationKind.Department),
        Org(Jyj, "jyj", "教育局", OrganizationKind.Department),
        Org(Zjj, "zjj", "住建局", OrganizationKind.Department),
        Org(Swj, "swj", "商务局", OrganizationKind.Department),
        Org(Supervision, "dcs", "市委督查室", OrganizationKind.Supervision),
    }.ToDictionary(o => o.Id);

    private static OrganizationInfo Org(long id, string code, string name, OrganizationKind kind) => new(id, code, name, kind, "Asia/Shanghai", true);
}

/// <summary>People acting for those organisations, one role each as the demo city has them.</summary>
internal static class People
{
    public static Actor PartyMember(long party = Orgs.Minmeng) => Person(100 + party, "member", party, Roles.PartyMember);

    public static Actor PartyAdmin(long party = Orgs.Minmeng) => Person(200 + party, "admin", party, Roles.PartyAdmin);

    public static Actor Government() => Person(310, "reviewer", Orgs.Government, Roles.Government);

    public static Actor Department(long department) => Person(400 + department, "handler", department, Roles.Department);

    public static Actor Supervisor() => Person(530, "supervisor", Orgs.Supervision, Roles.Supervisor);

    public static Actor Committee() => Person(601, "admin", Orgs.Committee, Roles.Committee);

    private static Actor Person(long userId, string suffix, long organization, string role) =>
        new(userId, $"{organization}.{suffix}", $"{role}@{organization}", organization, new HashSet<string>(StringComparer.Ordinal) { role });
}

/// <summary>
/// One proposal driven through the shipped definition. After each transition it does what the store does:
/// the opened tasks get row ids and join the open tasks, the closed ones leave, so the next action sees them.
/// Each test makes its own; nothing here is shared.
/// </summary>
internal sealed class Scenario
{
    /// <summary>Monday 3 March 2025, 07:00 in Shanghai; still Sunday in UTC, so a UTC date would be a day off.</summary>
    public static readonly DateTimeOffset MondayMorning = new(2025, 3, 3, 7, 0, 0, TimeSpan.FromHours(8));

    private long _nextTaskRow = 1000;

    public Scenario(WorkingCalendar? calendar = null, string definitionFile = RepositoryFiles.DefinitionFileName, Func<WorkflowDefinition, WorkflowDefinition>? change = null)
    {
        var loaded = DefinitionLoader.Parse(definitionFile, RepositoryFiles.WorkflowJson(definitionFile));
        var definition = loaded.Definition ?? throw new InvalidOperationException(string.Join("\n", loaded.Errors));
        Definition = change is null ? definition : change(definition);
        Calendar = calendar ?? WorkingCalendar.WeekendsOnly;
    }

    public WorkflowDefinition Definition { get; }

    public IReadOnlyDictionary<long, OrganizationInfo> Organizations { get; } = Orgs.Directory();

    public WorkingCalendar Calendar { get; }

    public DateTimeOffset Now { get; set; } = MondayMorning;

    public EngineContext Context => new(Now, Calendar, Organizations, "Asia/Shanghai");

    /// <summary>The proposal as the store would hold it after the last successful action.</summary>
    public ProposalInstance Item { get; private set; } = null!;

    /// <summary>A scenario whose draft the party member has just created.</summary>
    public static Scenario Drafted(WorkingCalendar? calendar = null)
    {
        var scenario = new Scenario(calendar);
        scenario.Create();
        return scenario;
    }

    /// <summary>A scenario submitted by the party and waiting for the government.</summary>
    public static Scenario InGovernmentReview(Func<WorkflowDefinition, WorkflowDefinition>? change = null)
    {
        var scenario = new Scenario(change: change);
        scenario.Create();
        scenario.Do(People.PartyAdmin(), "submit");
        return scenario;
    }

    /// <summary>A scenario adopted with 发改局 leading and 教育局, 住建局 co-operating, due three months on.</summary>
    public static Scenario Adopted()
    {
        var scenario = InGovernmentReview();
        scenario.Adopt(Orgs.Fgj, Orgs.Jyj, Orgs.Zjj);
        return scenario;
    }

    /// <summary>Adopted, every department signed and every co-department gave its opinion: the lead may reply.</summary>
    public static Scenario ReadyToReply()
    {
        var scenario = Adopted();
        scenario.SignAll();
        scenario.Do(People.Department(Orgs.Jyj), "give-opinion", """{ "text": "教育局意见" }""");
        scenario.Do(People.Department(Orgs.Zjj), "give-opinion", """{ "text": "住建局意见" }""");
        return scenario;
    }

    /// <summary>Replied and waiting for the party's evaluation.</summary>
    public static Scenario InEvaluation()
    {
        var scenario = ReadyToReply();
        scenario.Do(People.Department(Orgs.Fgj), "reply", """{ "text": "已解决", "category": "A" }""");
        return scenario;
    }

    public Transition Create(Actor? author = null, long? topicId = null, DateOnly? topicDeadline = null)
    {
        author ??= People.PartyMember();
        var outcome = WorkflowEngine.Start(Definition, author, new NewProposal(author.OrganizationId, topicId, topicDeadline, "关于加快城乡融合发展的建议", "摘要", "正文"), Context);
        return Store(outcome, "create");
    }

    public Transition Adopt(long lead, params long[] co) =>
        Do(People.Government(), "adopt", $$"""{ "leadDepartmentId": {{lead}}, "coDepartmentIds": [{{string.Join(", ", co)}}] }""");

    public void SignAll()
    {
        foreach (var assignment in Item.ActiveAssignments.Where(a => a.SignedAt is null).ToList())
        {
            Do(People.Department(assignment.OrganizationId), "sign");
        }
    }

    /// <summary>Applies the action and fails the test if the engine refuses it.</summary>
    public Transition Do(Actor actor, string action, string? data = null, string? comment = null) =>
        Store(Try(actor, action, data, comment), action);

    /// <summary>Applies the action expecting a refusal; the stored item stays as it was.</summary>
    public Refusal Refused(Actor actor, string action, string? data = null, string? comment = null)
    {
        var before = Item;
        var outcome = Try(actor, action, data, comment);
        Assert.Null(outcome.Transition);
        Assert.Same(before, Item);
        return Assert.IsType<Refusal>(outcome.Refusal);
    }

    public ActionOutcome Try(Actor actor, string action, string? data = null, string? comment = null) =>
        WorkflowEngine.Apply(Definition, Item, actor, action, Data(data), comment, Context);

    public IReadOnlyList<string> Allowed(Actor actor) =>
        WorkflowEngine.AllowedActions(Definition, Item, actor, Context).Select(a => a.Id).ToList();

    /// <summary>The open task of this id for this organisation.</summary>
    public OpenTask OpenTask(string taskId, long organizationId) =>
        Assert.Single(Item.OpenTasks, t => t.TaskId == taskId && t.OrganizationId == organizationId);

    /// <summary>Action data as the host receives it: parsed from JSON text, so numbers are JSON numbers.</summary>
    public static JsonObject? Data(string? json) => json is null ? null : JsonNode.Parse(json)!.AsObject();

    private Transition Store(ActionOutcome outcome, string action)
    {
        if (outcome.Refusal is { } refusal)
        {
            Assert.Fail($"'{action}' was refused ({refusal.Kind}): {refusal.Message}");
        }
        var transition = outcome.Transition!;
        // The store can only close rows it holds.
        Assert.All(transition.ClosedTasks, c => Assert.Contains(transition.After.OpenTasks, t => t.Id == c.TaskRowId && t.TaskId == c.TaskId));
        var closed = transition.ClosedTasks.Select(c => c.TaskRowId).ToHashSet();
        var stillOpen = transition.After.OpenTasks.Where(t => !closed.Contains(t.Id));
        var opened = transition.OpenedTasks.Select(t => new OpenTask(_nextTaskRow++, t.TaskId, t.OrganizationId, t.DueDate, Now, t.Subject));
        Item = transition.After with
        {
            Id = transition.After.Id == 0 ? 1 : transition.After.Id,
            OpenTasks = stillOpen.Concat(opened).ToList(),
        };
        return transition;
    }
}
