using Proposals.Data.Proposals;
using Proposals.Data.Tests.Providers;
using Proposals.Data.Topics;

namespace Proposals.Data.Tests.Proposals;

/// <summary>Reading proposals: everyone sees only what is theirs, and the list filters narrow within that.</summary>
public abstract class ProposalQueryFacts(IDatabaseProvider provider) : StoreFacts(provider)
{
    private static readonly DateTimeOffset Monday = TestCity.Monday;

    /// <summary>
    /// Party A's proposal adopted on Monday with department X leading; party A's draft on a topic due at the end of June;
    /// party B's proposal adopted a week later with department Y leading and department Z co-operating.
    /// </summary>
    private sealed record Scene(TestCity City, long AdoptedA, long DraftA, long AdoptedB);

    private async Task<Scene> SceneAsync()
    {
        var city = await TestCity.CreateAsync(Database);
        var adoptedA = await city.SubmittedAsync(city.PartyAMember, city.PartyAAdmin, "关于社区养老的建议", Monday, summary: "老龄化");
        await city.ActAsync(city.Government, adoptedA, "adopt", Monday, TestCity.Adoption(city.DepartmentX.OrganizationId, []));
        var topic = await new TopicStore(Database).CreateAsync("课题", "", 2025, new DateOnly(2025, 6, 30), [city.PartyA], city.Committee.UserId, Monday, CancellationToken.None);
        var draftA = (await city.DraftAsync(city.PartyAMember, "关于职业教育的建议", Monday, topic, new DateOnly(2025, 6, 30), summary: "产教融合")).Id;
        var adoptedB = await city.SubmittedAsync(city.PartyBMember, city.PartyBAdmin, "关于营商环境的建议", Monday, summary: "减少审批");
        await city.ActAsync(city.Government, adoptedB, "adopt", Monday.AddDays(7), TestCity.Adoption(city.DepartmentY.OrganizationId, [city.DepartmentZ.OrganizationId]));
        return new Scene(city, adoptedA, draftA, adoptedB);
    }

    private static async Task<IReadOnlyList<long>> IdsAsync(TestCity city, Member viewer, ProposalQuery? query = null, DateTimeOffset? now = null) =>
        (await city.Proposals.ListAsync(viewer.Viewer, query ?? new ProposalQuery(), now ?? Monday.AddDays(8), CancellationToken.None)).Items.Select(p => p.Id).ToList();

    [SkippableFact]
    public async Task A_party_lists_and_finds_only_its_own_proposals()
    {
        var (city, adoptedA, draftA, adoptedB) = await SceneAsync();

        Assert.Equal([draftA, adoptedA], await IdsAsync(city, city.PartyAMember));
        Assert.Equal([adoptedB], await IdsAsync(city, city.PartyBAdmin));
        Assert.NotNull(await city.Proposals.FindAsync(adoptedA, city.PartyAAdmin.Viewer, CancellationToken.None));
        Assert.Null(await city.Proposals.FindAsync(adoptedB, city.PartyAMember.Viewer, CancellationToken.None));
        Assert.Null(await city.Proposals.FindAsync(draftA, city.PartyBMember.Viewer, CancellationToken.None));
    }

    [SkippableFact]
    public async Task A_department_lists_and_finds_only_the_proposals_assigned_to_it()
    {
        var (city, adoptedA, draftA, adoptedB) = await SceneAsync();

        Assert.Equal([adoptedA], await IdsAsync(city, city.DepartmentX));
        Assert.Equal([adoptedB], await IdsAsync(city, city.DepartmentY));
        Assert.Equal([adoptedB], await IdsAsync(city, city.DepartmentZ));
        Assert.NotNull(await city.Proposals.FindAsync(adoptedB, city.DepartmentZ.Viewer, CancellationToken.None));
        Assert.Null(await city.Proposals.FindAsync(adoptedB, city.DepartmentX.Viewer, CancellationToken.None));
        Assert.Null(await city.Proposals.FindAsync(draftA, city.DepartmentX.Viewer, CancellationToken.None));
    }

    [SkippableFact]
    public async Task A_department_sees_nothing_of_a_proposal_before_it_is_assigned()
    {
        var city = await TestCity.CreateAsync(Database);
        var id = await city.SubmittedAsync(city.PartyAMember, city.PartyAAdmin, "关于社区养老的建议", Monday);

        Assert.Empty(await IdsAsync(city, city.DepartmentX));
        Assert.Null(await city.Proposals.FindAsync(id, city.DepartmentX.Viewer, CancellationToken.None));

        await city.ActAsync(city.Government, id, "adopt", Monday, TestCity.Adoption(city.DepartmentX.OrganizationId, []));

        Assert.Equal([id], await IdsAsync(city, city.DepartmentX));
    }

    [SkippableFact]
    public async Task The_committee_the_government_and_the_supervision_office_see_every_submitted_proposal_and_no_draft()
    {
        var (city, adoptedA, draftA, adoptedB) = await SceneAsync();

        foreach (var viewer in new[] { city.Committee, city.Government, city.Supervisor })
        {
            Assert.Equal([adoptedB, adoptedA], await IdsAsync(city, viewer));
            Assert.NotNull(await city.Proposals.FindAsync(adoptedA, viewer.Viewer, CancellationToken.None));
            Assert.NotNull(await city.Proposals.FindAsync(adoptedB, viewer.Viewer, CancellationToken.None));
            Assert.Null(await city.Proposals.FindAsync(draftA, viewer.Viewer, CancellationToken.None));
            Assert.Empty(await city.Proposals.HistoryAsync(draftA, viewer.Viewer, CancellationToken.None));
            Assert.Empty(await IdsAsync(city, viewer, new ProposalQuery(Stage: "research")));
        }
        Assert.Equal([adoptedB, draftA, adoptedA], (await city.Proposals.ListAsync(Viewer.Service, new ProposalQuery(), Monday, CancellationToken.None)).Items.Select(p => p.Id));
    }

    [SkippableFact]
    public async Task A_draft_becomes_visible_to_the_committee_when_it_is_submitted_and_stays_so()
    {
        var city = await TestCity.CreateAsync(Database);
        var id = (await city.DraftAsync(city.PartyAMember, "关于职业教育的建议", Monday)).Id;
        await city.ActAsync(city.PartyAMember, id, "submit-for-review", Monday);
        Assert.Empty(await IdsAsync(city, city.Committee));

        await city.ActAsync(city.PartyAAdmin, id, "submit", Monday.AddHours(1));
        Assert.Equal([id], await IdsAsync(city, city.Committee));
        await city.ActAsync(city.Government, id, "reject", Monday.AddHours(2), System.Text.Json.Nodes.JsonNode.Parse("""{ "reason": "不予采纳" }""")!.AsObject());
        Assert.Equal([id], await IdsAsync(city, city.Committee));
    }

    [SkippableFact]
    public async Task FindAsync_of_an_unknown_proposal_returns_null()
    {
        var city = await TestCity.CreateAsync(Database);

        Assert.Null(await city.Proposals.FindAsync(404_404, city.Committee.Viewer, CancellationToken.None));
    }

    [SkippableFact]
    public async Task ListAsync_filters_by_state_and_by_stage()
    {
        var (city, adoptedA, draftA, adoptedB) = await SceneAsync();

        Assert.Equal([draftA], await IdsAsync(city, city.PartyAMember, new ProposalQuery(State: "draft")));
        Assert.Equal([adoptedB, adoptedA], await IdsAsync(city, city.Committee, new ProposalQuery(State: "implementation")));
        Assert.Empty(await IdsAsync(city, city.Committee, new ProposalQuery(State: "closed")));
        Assert.Equal([draftA], await IdsAsync(city, city.PartyAMember, new ProposalQuery(Stage: "research")));
        Assert.Equal([adoptedB, adoptedA], await IdsAsync(city, city.Committee, new ProposalQuery(Stage: "implementation")));
        Assert.Equal([adoptedA], await IdsAsync(city, city.PartyAMember, new ProposalQuery(Stage: "implementation")));
    }

    [SkippableFact]
    public async Task ListAsync_filters_by_overdue_open_tasks_at_the_given_time()
    {
        // Adopted on Monday 3 March, A's sign task is due Thursday 6 March and overdue from Friday 00:00 in Shanghai;
        // B's, adopted on 10 March, is due on 13 March; the draft's research task is due on 30 June.
        var (city, adoptedA, draftA, adoptedB) = await SceneAsync();
        var beforeAny = new DateTimeOffset(2025, 3, 6, 15, 59, 59, TimeSpan.Zero);
        var atADue = new DateTimeOffset(2025, 3, 6, 16, 0, 0, TimeSpan.Zero);
        var afterA = new DateTimeOffset(2025, 3, 11, 2, 0, 0, TimeSpan.Zero);
        var afterBoth = new DateTimeOffset(2025, 3, 14, 2, 0, 0, TimeSpan.Zero);

        Assert.Empty(await IdsAsync(city, city.Supervisor, new ProposalQuery(Overdue: true), beforeAny));
        Assert.Equal([adoptedA], await IdsAsync(city, city.Supervisor, new ProposalQuery(Overdue: true), atADue));
        Assert.Equal([adoptedA], await IdsAsync(city, city.Supervisor, new ProposalQuery(Overdue: true), afterA));
        Assert.Equal([adoptedB], await IdsAsync(city, city.Supervisor, new ProposalQuery(Overdue: false), afterA));
        Assert.Equal([draftA], await IdsAsync(city, city.PartyAMember, new ProposalQuery(Overdue: false), afterA));
        Assert.Equal([adoptedB, adoptedA], await IdsAsync(city, city.Supervisor, new ProposalQuery(Overdue: true), afterBoth));
        Assert.Equal([adoptedA], await IdsAsync(city, city.PartyAMember, new ProposalQuery(Overdue: true), afterBoth));
    }

    [SkippableFact]
    public async Task ListAsync_searches_title_and_summary_and_matches_percent_underscore_and_backslash_literally()
    {
        var city = await TestCity.CreateAsync(Database);
        var percent = (await city.DraftAsync(city.PartyAMember, "覆盖率 100% 的_计划", Monday)).Id;
        var lookalike = (await city.DraftAsync(city.PartyAMember, "覆盖率 1000 的X计划", Monday)).Id;
        var backslash = (await city.DraftAsync(city.PartyAMember, @"目录 C:\data 的整理", Monday)).Id;
        var inSummary = (await city.DraftAsync(city.PartyAMember, "另一件", Monday, summary: "提到 Elderly Care 的摘要")).Id;

        Assert.Equal([percent], await IdsAsync(city, city.PartyAMember, new ProposalQuery(Text: "0% 的_")));
        Assert.Equal([percent], await IdsAsync(city, city.PartyAMember, new ProposalQuery(Text: "%")));
        Assert.Equal([percent], await IdsAsync(city, city.PartyAMember, new ProposalQuery(Text: "_")));
        Assert.Equal([backslash], await IdsAsync(city, city.PartyAMember, new ProposalQuery(Text: @":\d")));
        Assert.Equal([lookalike, percent], await IdsAsync(city, city.PartyAMember, new ProposalQuery(Text: "  覆盖率 ")));
        Assert.Equal([inSummary], await IdsAsync(city, city.PartyAMember, new ProposalQuery(Text: "Elderly Care")));
        Assert.Empty(await IdsAsync(city, city.PartyBMember, new ProposalQuery(Text: "覆盖率")));
        Assert.Equal(4, (await city.Proposals.ListAsync(city.PartyAMember.Viewer, new ProposalQuery(Text: "   "), Monday, CancellationToken.None)).Total);
    }

    [SkippableFact]
    public async Task ListAsync_pages_newest_first_and_counts_the_total_of_every_page()
    {
        var city = await TestCity.CreateAsync(Database);
        var ids = new List<long>();
        for (var i = 1; i <= 5; i++)
        {
            ids.Add((await city.DraftAsync(city.PartyAMember, $"第 {i} 件", Monday)).Id);
        }
        await city.DraftAsync(city.PartyBMember, "别的党派的", Monday);

        var pages = new List<Page<ProposalListItem>>();
        for (var page = 1; page <= 4; page++)
        {
            pages.Add(await city.Proposals.ListAsync(city.PartyAMember.Viewer, new ProposalQuery(Page: page, PageSize: 2), Monday, CancellationToken.None));
        }

        Assert.All(pages, p => Assert.Equal(5, p.Total));
        Assert.Equal([[ids[4], ids[3]], [ids[2], ids[1]], [ids[0]], []], pages.Select(p => p.Items.Select(i => i.Id).ToArray()));
        Assert.Equal((3, 2), (pages[2].PageNumber, pages[2].PageSize));
    }

    [SkippableFact]
    public async Task ListAsync_filters_by_organisation_as_party_or_active_assignee()
    {
        var (city, adoptedA, draftA, adoptedB) = await SceneAsync();

        Assert.Equal([adoptedA], await IdsAsync(city, city.Committee, new ProposalQuery(OrganizationId: city.PartyA)));
        Assert.Equal([draftA, adoptedA], await IdsAsync(city, city.PartyAAdmin, new ProposalQuery(OrganizationId: city.PartyA)));
        Assert.Equal([adoptedA], await IdsAsync(city, city.Committee, new ProposalQuery(OrganizationId: city.DepartmentX.OrganizationId)));
        Assert.Equal([adoptedB], await IdsAsync(city, city.Committee, new ProposalQuery(OrganizationId: city.DepartmentZ.OrganizationId)));
        Assert.Empty(await IdsAsync(city, city.PartyAMember, new ProposalQuery(OrganizationId: city.DepartmentZ.OrganizationId)));
    }

    [SkippableFact]
    public async Task ListAsync_filters_by_year_and_by_key_supervision()
    {
        var (city, adoptedA, draftA, adoptedB) = await SceneAsync();
        var nextYear = (await city.DraftAsync(city.PartyAMember, "明年的建议", new DateTimeOffset(2026, 3, 2, 2, 0, 0, TimeSpan.Zero))).Id;
        await city.ActAsync(city.Supervisor, adoptedB, "flag-key", Monday.AddDays(8));

        Assert.Equal([nextYear], await IdsAsync(city, city.PartyAMember, new ProposalQuery(Year: 2026)));
        Assert.Equal([draftA, adoptedA], await IdsAsync(city, city.PartyAMember, new ProposalQuery(Year: 2025)));
        Assert.Empty(await IdsAsync(city, city.Committee, new ProposalQuery(Year: 2026)));
        Assert.Equal([adoptedB, adoptedA], await IdsAsync(city, city.Committee, new ProposalQuery(Year: 2025)));
        Assert.Equal([adoptedB], await IdsAsync(city, city.Committee, new ProposalQuery(KeySupervision: true)));
        Assert.Equal([adoptedA], await IdsAsync(city, city.Committee, new ProposalQuery(KeySupervision: false)));
    }

    [SkippableFact]
    public async Task ListAsync_items_carry_state_stage_version_deadlines_and_the_next_due_date()
    {
        var (city, adoptedA, _, _) = await SceneAsync();

        var item = Assert.Single((await city.Proposals.ListAsync(city.DepartmentX.Viewer, new ProposalQuery(), Monday, CancellationToken.None)).Items);

        Assert.Equal((adoptedA, "关于社区养老的建议", "implementation", "implementation", true, city.PartyA, null as long?, 2025, 1, false, 3),
            (item.Id, item.Title, item.State, item.Stage, item.IsOpen, item.PartyId, item.TopicId, item.Year, item.Round, item.KeySupervision, item.Version));
        Assert.Equal(new DateOnly(2025, 9, 30), item.ItemDueDate);
        Assert.Equal(new DateOnly(2025, 3, 6), item.NextDueDate);
        Assert.Equal((Monday, Monday), (item.CreatedAt, item.UpdatedAt));
    }

    [SkippableFact]
    public async Task TasksDueBeforeAsync_lists_only_open_tasks_of_proposals_the_viewer_may_see()
    {
        var (city, adoptedA, _, adoptedB) = await SceneAsync();
        var before = new DateTimeOffset(2025, 3, 20, 0, 0, 0, TimeSpan.Zero);

        var ofX = await city.Proposals.TasksDueBeforeAsync(city.DepartmentX.Viewer, before, CancellationToken.None);
        var ofSupervisor = await city.Proposals.TasksDueBeforeAsync(city.Supervisor.Viewer, before, CancellationToken.None);

        Assert.Equal([(adoptedA, "sign")], ofX.Select(t => (t.ProposalId, t.TaskId)));
        Assert.Equal([(adoptedA, "sign"), (adoptedB, "sign"), (adoptedB, "sign")], ofSupervisor.Select(t => (t.ProposalId, t.TaskId)));
        Assert.Equal([city.DepartmentY.OrganizationId, city.DepartmentZ.OrganizationId], ofSupervisor.Skip(1).Select(t => t.OrganizationId).Order());
    }
}
