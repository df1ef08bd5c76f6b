using System.Text.Json.Nodes;
using Proposals.Data.Calendar;
using Proposals.Data.Organizations;
using Proposals.Data.Proposals;
using Proposals.Data.Workflows;
using Proposals.Engine.Definitions;
using Proposals.Engine.Execution;

namespace Proposals.Data.Tests;

/// <summary>A user of the test city: the engine's actor and the queries' viewer.</summary>
internal sealed record Member(Actor Actor, Viewer Viewer)
{
    public long UserId => Actor.UserId;

    public long OrganizationId => Actor.OrganizationId;
}

/// <summary>A proposal written by <see cref="TestCity.DraftAsync"/>, with the engine's start transition.</summary>
internal sealed record Drafted(long Id, Transition Start);

/// <summary>
/// A city of one test's own, in one database: the committee, two parties, the government office, three
/// departments and the supervision office, one user for each role, and the shipped workflow published.
/// Codes and names carry a tag unique to the city, so that no test can read another's rows by name.
/// Transitions come from the real engine and are written by the real store.
/// </summary>
internal sealed class TestCity
{
    /// <summary>Monday 3 March 2025, 10:00 in Shanghai.</summary>
    public static readonly DateTimeOffset Monday = new(2025, 3, 3, 2, 0, 0, TimeSpan.Zero);

    private TestCity(Database database, string tag)
    {
        Database = database;
        Tag = tag;
        Proposals = new ProposalStore(database);
        Organizations = new OrganizationStore(database);
        Users = new UserStore(database);
        Calendar = new CalendarStore(database);
    }

    public Database Database { get; }
    public string Tag { get; }
    public ProposalStore Proposals { get; }
    public OrganizationStore Organizations { get; }
    public UserStore Users { get; }
    public CalendarStore Calendar { get; }
    public static WorkflowDefinition Definition => ProposalChain.Definition;

    public Member Committee { get; private set; } = null!;
    public Member Government { get; private set; } = null!;
    public Member Supervisor { get; private set; } = null!;
    public Member PartyAMember { get; private set; } = null!;
    public Member PartyAAdmin { get; private set; } = null!;
    public Member PartyBMember { get; private set; } = null!;
    public Member PartyBAdmin { get; private set; } = null!;
    public Member DepartmentX { get; private set; } = null!;
    public Member DepartmentY { get; private set; } = null!;
    public Member DepartmentZ { get; private set; } = null!;

    public long PartyA => PartyAMember.OrganizationId;
    public long PartyB => PartyBMember.OrganizationId;

    public static async Task<TestCity> CreateAsync(Database database)
    {
        var city = new TestCity(database, Guid.NewGuid().ToString("N")[..8]);
        var conflicts = await new WorkflowStore(database).PublishAsync([ProposalChain.Definition], Monday, CancellationToken.None);
        if (conflicts.Count > 0)
        {
            throw new InvalidOperationException(conflicts[0].Reason);
        }
        var committee = await city.OrganizationAsync("committee", "统战部", OrganizationKind.Committee);
        var government = await city.OrganizationAsync("government", "政府办", OrganizationKind.Government);
        var supervision = await city.OrganizationAsync("supervision", "督查室", OrganizationKind.Supervision);
        var partyA = await city.OrganizationAsync("party-a", "民盟", OrganizationKind.Party);
        var partyB = await city.OrganizationAsync("party-b", "九三学社", OrganizationKind.Party);
        var departmentX = await city.OrganizationAsync("department-x", "发改局", OrganizationKind.Department);
        var departmentY = await city.OrganizationAsync("department-y", "教育局", OrganizationKind.Department);
        var departmentZ = await city.OrganizationAsync("department-z", "住建局", OrganizationKind.Department);
        city.Committee = await city.UserAsync("committee", committee, Roles.Committee);
        city.Government = await city.UserAsync("government", government, Roles.Government);
        city.Supervisor = await city.UserAsync("supervisor", supervision, Roles.Supervisor);
        city.PartyAMember = await city.UserAsync("party-a.member", partyA, Roles.PartyMember);
        city.PartyAAdmin = await city.UserAsync("party-a.admin", partyA, Roles.PartyAdmin);
        city.PartyBMember = await city.UserAsync("party-b.member", partyB, Roles.PartyMember);
        city.PartyBAdmin = await city.UserAsync("party-b.admin", partyB, Roles.PartyAdmin);
        city.DepartmentX = await city.UserAsync("department-x", departmentX, Roles.Department);
        city.DepartmentY = await city.UserAsync("department-y", departmentY, Roles.Department);
        city.DepartmentZ = await city.UserAsync("department-z", departmentZ, Roles.Department);
        return city;
    }

    private async Task<(long Id, OrganizationKind Kind)> OrganizationAsync(string code, string name, OrganizationKind kind) =>
        (await Organizations.EnsureAsync($"{code}-{Tag}", $"{name} {Tag}", kind, Monday, CancellationToken.None), kind);

    /// <summary>Another user in one of the city's organisations.</summary>
    public async Task<Member> UserAsync(string username, (long Id, OrganizationKind Kind) organization, params string[] roles)
    {
        var name = $"{username}.{Tag}";
        var id = await Users.UpsertAsync(name, $"{username} {Tag}", organization.Id, "not-a-password-hash", roles, Monday, CancellationToken.None);
        return new Member(
            new Actor(id, name, $"{username} {Tag}", organization.Id, new HashSet<string>(roles, StringComparer.Ordinal)),
            new Viewer(id, organization.Id, organization.Kind, roles));
    }

    /// <summary>What the engine reads at <paramref name="now"/>: this database's calendar and organisations.</summary>
    public async Task<EngineContext> ContextAsync(DateTimeOffset now) =>
        new(now, await Calendar.LoadAsync(CancellationToken.None), await Organizations.DirectoryAsync(CancellationToken.None));

    /// <summary>A new draft of the author's party, started by the engine and written by the store.</summary>
    public async Task<Drafted> DraftAsync(Member author, string title, DateTimeOffset now, long? topicId = null, DateOnly? topicDeadline = null, string summary = "")
    {
        var outcome = WorkflowEngine.Start(Definition, author.Actor, new NewProposal(author.OrganizationId, topicId, topicDeadline, title, summary, "正文"), await ContextAsync(now));
        var start = outcome.Transition ?? throw new InvalidOperationException($"The engine refused the draft: {outcome.Refusal!.Message}");
        var id = await Proposals.CreateAsync(Definition, start, summary, "正文", now.Year, now, CancellationToken.None);
        return new Drafted(id, start);
    }

    /// <summary>The proposal as the engine sees it, read as the service, which also sees drafts not yet submitted.</summary>
    public async Task<ProposalInstance> InstanceAsync(long id) =>
        (await Proposals.FindAsync(id, Viewer.Service, CancellationToken.None))?.Instance
        ?? throw new InvalidOperationException($"No proposal {id}.");

    /// <summary>The transition the engine computes for an action on the proposal as it is stored now; nothing is written.</summary>
    public async Task<Transition> PlanAsync(Member actor, long id, string actionId, DateTimeOffset now, JsonObject? data = null, string? comment = null) =>
        await PlanAsync(actor, await InstanceAsync(id), actionId, now, data, comment);

    /// <summary>The transition the engine computes for an action on a given instance; nothing is written.</summary>
    public async Task<Transition> PlanAsync(Member actor, ProposalInstance instance, string actionId, DateTimeOffset now, JsonObject? data = null, string? comment = null)
    {
        var outcome = WorkflowEngine.Apply(Definition, instance, actor.Actor, actionId, data, comment, await ContextAsync(now));
        return outcome.Transition ?? throw new InvalidOperationException($"The engine refused {actionId}: {outcome.Refusal!.Message}");
    }

    /// <summary>Plans an action and writes it; the write must succeed.</summary>
    public async Task<Transition> ActAsync(Member actor, long id, string actionId, DateTimeOffset now, JsonObject? data = null, string? comment = null)
    {
        var transition = await PlanAsync(actor, id, actionId, now, data, comment);
        if (!await Proposals.ApplyAsync(Definition, transition, null, now, CancellationToken.None))
        {
            throw new InvalidOperationException($"{actionId} on proposal {id} met a newer version.");
        }
        return transition;
    }

    /// <summary>A draft taken through the party's submission to the government: state government-review.</summary>
    public async Task<long> SubmittedAsync(Member author, Member admin, string title, DateTimeOffset now, string summary = "")
    {
        var draft = await DraftAsync(author, title, now, summary: summary);
        await ActAsync(admin, draft.Id, "submit", now);
        return draft.Id;
    }

    /// <summary>The data of an adoption with a lead department, co-departments and a due date.</summary>
    public static JsonObject Adoption(long lead, IEnumerable<long> co, string dueDate = "2025-09-30")
    {
        var coDepartments = new JsonArray();
        foreach (var id in co)
        {
            coDepartments.Add(id);
        }
        return new JsonObject { ["leadDepartmentId"] = lead, ["coDepartmentIds"] = coDepartments, ["dueDate"] = dueDate };
    }
}
