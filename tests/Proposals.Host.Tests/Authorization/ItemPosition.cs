using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Authorization;

/// <summary>
/// A point of the chain an item can be brought to through the API, with what the matrix needs to know about it:
/// the owning party, the departments currently assigned, and the facts the action guards read. Each builder makes a
/// new item, so an action that succeeds can be tried on a copy of its own.
/// </summary>
public sealed record ItemPosition(string Name, string State, Func<Chain, Task<long>> BuildAsync)
{
    public const string Party = "minmeng";
    public const string Lead = "fgj";
    public static readonly IReadOnlyList<string> CoDepartments = ["jyj", "zjj"];

    /// <summary>The department leading the item now, or null when none is assigned.</summary>
    public string? LeadDepartment { get; init; }

    public IReadOnlyList<string> CoDepartmentsNow { get; init; } = [];

    public IReadOnlySet<string> SignedBy { get; init; } = new HashSet<string>();

    public IReadOnlySet<string> OpinionsGiven { get; init; } = new HashSet<string>();

    public bool ExtensionPending { get; init; }

    public bool KeyFlagged { get; init; }

    /// <summary>Whether the lead department recorded its contact with the party in this round.</summary>
    public bool ContactRecorded { get; init; }

    /// <summary>Whether the plan in force has a milestone not yet completed.</summary>
    public bool OpenMilestone { get; init; }

    /// <summary>The department with a commitment still open on the item, if any.</summary>
    public string? OpenCommitmentBy { get; init; }

    /// <summary>The departments currently assigned; only these see the item (Viewer.ProposalFilter).</summary>
    public IReadOnlyList<string> Assigned => LeadDepartment is null ? CoDepartmentsNow : [LeadDepartment, .. CoDepartmentsNow];

    public override string ToString() => Name;

    private static readonly HashSet<string> AllAssigned = [Lead, .. CoDepartments];

    /// <summary>
    /// One position per state of the definition, and three for implementation, where the guards make the outcome
    /// depend on who signed, who gave an opinion, a pending extension and the key-supervision flag: together they
    /// take every guard both ways. The departments stay assigned after the reply, through evaluation and closing.
    /// </summary>
    public static IReadOnlyList<ItemPosition> All { get; } =
    [
        new("draft", "draft", c => c.DraftAsync()),
        new("party-review", "party-review", async c =>
        {
            var id = await c.DraftAsync();
            await c.Member.ActAsync(id, "submit-for-review");
            return id;
        }),
        new("government-review", "government-review", c => c.SubmittedAsync()),
        new("implementation-unsigned", "implementation", c => c.AdoptedAsync())
        {
            LeadDepartment = Lead, CoDepartmentsNow = CoDepartments,
        },
        new("implementation-ready-to-reply", "implementation", c => c.ReadyToReplyAsync())
        {
            LeadDepartment = Lead, CoDepartmentsNow = CoDepartments, SignedBy = AllAssigned, OpinionsGiven = CoDepartments.ToHashSet(), ContactRecorded = true,
        },
        new("implementation-planned", "implementation", async c =>
        {
            var id = await c.ReadyToReplyAsync();
            await c.Lead.ActAsync(id, "plan", new { text = "分两步落实", milestones = new[] { new { title = "完成调研", dueDate = "2026-11-30" }, new { title = "出台方案", dueDate = "2026-12-31" } } });
            return id;
        })
        {
            LeadDepartment = Lead, CoDepartmentsNow = CoDepartments, SignedBy = AllAssigned, OpinionsGiven = CoDepartments.ToHashSet(), ContactRecorded = true,
            OpenMilestone = true,
        },
        new("implementation-signed-extension-pending-key-flagged", "implementation", async c =>
        {
            var id = await c.AdoptedAsync();
            await c.Lead.ActAsync(id, "sign");
            await c.Co1.ActAsync(id, "sign");
            await c.Co2.ActAsync(id, "sign");
            await c.Lead.ActAsync(id, "request-extension", new { newDueDate = "2026-12-31", reason = "需要跨年度协调资金" });
            await c.Supervisor.ActAsync(id, "flag-key", new { reason = "群众反映强烈" });
            return id;
        })
        {
            LeadDepartment = Lead, CoDepartmentsNow = CoDepartments, SignedBy = AllAssigned, ExtensionPending = true, KeyFlagged = true,
        },
        new("reassignment", "reassignment", async c =>
        {
            var id = await c.AdoptedAsync();
            await c.Lead.ActAsync(id, "return-assignment", new { reason = "不属于本单位职责" });
            return id;
        })
        {
            CoDepartmentsNow = CoDepartments,
        },
        new("evaluation", "evaluation", c => c.RepliedAsync())
        {
            LeadDepartment = Lead, CoDepartmentsNow = CoDepartments, SignedBy = AllAssigned, OpinionsGiven = CoDepartments.ToHashSet(), ContactRecorded = true,
        },
        new("closed", "closed", async c =>
        {
            var id = await c.RepliedAsync();
            await c.PartyAdmin.ActAsync(id, "evaluate", new { rating = "satisfied" });
            return id;
        })
        {
            LeadDepartment = Lead, CoDepartmentsNow = CoDepartments, SignedBy = AllAssigned, OpinionsGiven = CoDepartments.ToHashSet(),
        },
        new("closed-with-open-commitment", "closed", async c =>
        {
            var id = await c.ReadyToReplyAsync();
            await c.Lead.ActAsync(id, "reply", new { text = "列入计划逐步解决", category = "B", commitmentDate = "2026-12-31" });
            await c.PartyAdmin.ActAsync(id, "evaluate", new { rating = "basically-satisfied" });
            return id;
        })
        {
            LeadDepartment = Lead, CoDepartmentsNow = CoDepartments, SignedBy = AllAssigned, OpinionsGiven = CoDepartments.ToHashSet(), ContactRecorded = true,
            OpenCommitmentBy = Lead,
        },
        new("closed-reference", "closed-reference", async c =>
        {
            var id = await c.SubmittedAsync();
            await c.Government.ActAsync(id, "keep-for-reference", new { reason = "留作决策参考" });
            return id;
        }),
        new("closed-not-adopted", "closed-not-adopted", async c =>
        {
            var id = await c.SubmittedAsync();
            await c.Government.ActAsync(id, "reject", new { reason = "与现行政策不符" });
            return id;
        }),
    ];

    public static ItemPosition Named(string name) => All.Single(p => p.Name == name);
}
