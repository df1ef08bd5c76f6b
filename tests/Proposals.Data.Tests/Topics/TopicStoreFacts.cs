using Proposals.Data.Organizations;
using Proposals.Data.Tests.Providers;
using Proposals.Data.Topics;
using Proposals.Engine.Definitions;
using Proposals.Engine.Execution;

namespace Proposals.Data.Tests.Topics;

public abstract class TopicStoreFacts(IDatabaseProvider provider) : StoreFacts(provider)
{
    private static readonly DateTimeOffset Now = new(2025, 3, 3, 2, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = new(2025, 3, 3);
    private static readonly DateOnly Deadline = new(2025, 6, 30);

    [SkippableFact]
    public async Task CreateAsync_without_parties_makes_an_open_topic()
    {
        var (store, committee, _, _) = await ArrangeAsync();

        var id = await store.CreateAsync("养老服务", "调研社区养老", 2025, Deadline, [], committee, Now, CancellationToken.None);

        var topic = await store.FindAsync(id, CancellationToken.None);
        Assert.NotNull(topic);
        Assert.Equal(("养老服务", "调研社区养老", 2025, Deadline, "open", true, Now), (topic.Title, topic.Description, topic.Year, topic.ResearchDeadline, topic.State, topic.OpenForClaiming, topic.CreatedAt));
        Assert.Empty(topic.Parties);
    }

    [SkippableFact]
    public async Task CreateAsync_with_parties_assigns_them_and_closes_the_topic_to_claims()
    {
        var (store, committee, partyA, partyB) = await ArrangeAsync();

        var id = await store.CreateAsync("营商环境", "", 2025, Deadline, [partyA, partyB], committee, Now, CancellationToken.None);

        var topic = await store.FindAsync(id, CancellationToken.None);
        Assert.NotNull(topic);
        Assert.Equal("claimed", topic.State);
        Assert.False(topic.OpenForClaiming);
        Assert.Equal([new TopicParty(partyA, "assigned", Now), new TopicParty(partyB, "assigned", Now)], topic.Parties.OrderBy(p => p.OrganizationId));
    }

    [SkippableFact]
    public async Task ClaimAsync_lets_two_parties_claim_one_open_topic()
    {
        var (store, committee, partyA, partyB) = await ArrangeAsync();
        var id = await store.CreateAsync("养老服务", "", 2025, Deadline, [], committee, Now, CancellationToken.None);

        Assert.Equal(ClaimRefusal.None, await store.ClaimAsync(id, partyA, Today, Now.AddHours(1), CancellationToken.None));
        Assert.Equal(ClaimRefusal.None, await store.ClaimAsync(id, partyB, Today, Now.AddHours(2), CancellationToken.None));

        var topic = await store.FindAsync(id, CancellationToken.None);
        Assert.NotNull(topic);
        Assert.Equal("claimed", topic.State);
        Assert.True(topic.OpenForClaiming);
        Assert.Equal([new TopicParty(partyA, "claimed", Now.AddHours(1)), new TopicParty(partyB, "claimed", Now.AddHours(2))], topic.Parties);
    }

    [SkippableFact]
    public async Task ClaimAsync_refuses_a_topic_assigned_to_parties_and_records_nothing()
    {
        var (store, committee, partyA, partyB) = await ArrangeAsync();
        var id = await store.CreateAsync("营商环境", "", 2025, Deadline, [partyA], committee, Now, CancellationToken.None);

        Assert.Equal(ClaimRefusal.NotOpenForClaiming, await store.ClaimAsync(id, partyB, Today, Now, CancellationToken.None));
        Assert.Equal(ClaimRefusal.AlreadyClaimed, await store.ClaimAsync(id, partyA, Today, Now, CancellationToken.None));

        var topic = await store.FindAsync(id, CancellationToken.None);
        Assert.Equal([new TopicParty(partyA, "assigned", Now)], topic!.Parties);
    }

    [SkippableFact]
    public async Task ClaimAsync_refuses_a_second_claim_by_the_same_party()
    {
        var (store, committee, partyA, _) = await ArrangeAsync();
        var id = await store.CreateAsync("养老服务", "", 2025, Deadline, [], committee, Now, CancellationToken.None);
        await store.ClaimAsync(id, partyA, Today, Now, CancellationToken.None);

        Assert.Equal(ClaimRefusal.AlreadyClaimed, await store.ClaimAsync(id, partyA, Today, Now.AddHours(1), CancellationToken.None));

        Assert.Equal([new TopicParty(partyA, "claimed", Now)], (await store.FindAsync(id, CancellationToken.None))!.Parties);
    }

    [SkippableFact]
    public async Task ClaimAsync_by_one_party_in_parallel_records_one_claim()
    {
        var (store, committee, partyA, _) = await ArrangeAsync();
        var id = await store.CreateAsync("养老服务", "", 2025, Deadline, [], committee, Now, CancellationToken.None);
        using var start = new ManualResetEventSlim();
        var claims = Enumerable.Range(0, 8).Select(_ => Task.Factory.StartNew(() =>
        {
            start.Wait();
            return store.ClaimAsync(id, partyA, Today, Now, CancellationToken.None).GetAwaiter().GetResult();
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToList();
        start.Set();

        var refusals = await Task.WhenAll(claims);

        Assert.Equal(1, refusals.Count(r => r == ClaimRefusal.None));
        Assert.All(refusals.Where(r => r != ClaimRefusal.None), r => Assert.Equal(ClaimRefusal.AlreadyClaimed, r));
        Assert.Single((await store.FindAsync(id, CancellationToken.None))!.Parties);
    }

    [SkippableFact]
    public async Task ClaimAsync_refuses_a_closed_topic()
    {
        var (store, committee, partyA, _) = await ArrangeAsync();
        var id = await store.CreateAsync("养老服务", "", 2025, Deadline, [], committee, Now, CancellationToken.None);
        Assert.True(await store.CloseAsync(id, Now, CancellationToken.None));

        Assert.Equal(ClaimRefusal.Closed, await store.ClaimAsync(id, partyA, Today, Now, CancellationToken.None));

        var topic = await store.FindAsync(id, CancellationToken.None);
        Assert.Equal(("closed", false), (topic!.State, topic.OpenForClaiming));
        Assert.Empty(topic.Parties);
    }

    [SkippableFact]
    public async Task ClaimAsync_refuses_a_topic_past_its_research_deadline_but_not_on_the_day()
    {
        var (store, committee, partyA, partyB) = await ArrangeAsync();
        var id = await store.CreateAsync("养老服务", "", 2025, Deadline, [], committee, Now, CancellationToken.None);

        Assert.Equal(ClaimRefusal.Closed, await store.ClaimAsync(id, partyA, Deadline.AddDays(1), Now, CancellationToken.None));
        Assert.Equal(ClaimRefusal.None, await store.ClaimAsync(id, partyB, Deadline, Now, CancellationToken.None));

        Assert.Equal([partyB], (await store.FindAsync(id, CancellationToken.None))!.Parties.Select(p => p.OrganizationId));
    }

    [SkippableFact]
    public async Task ClaimAsync_of_an_unknown_topic_is_not_found()
    {
        var (store, _, partyA, _) = await ArrangeAsync();

        Assert.Equal(ClaimRefusal.NotFound, await store.ClaimAsync(404_404, partyA, Today, Now, CancellationToken.None));
    }

    [SkippableFact]
    public async Task CloseAsync_of_a_closed_topic_returns_false()
    {
        var (store, committee, _, _) = await ArrangeAsync();
        var id = await store.CreateAsync("养老服务", "", 2025, Deadline, [], committee, Now, CancellationToken.None);
        await store.CloseAsync(id, Now, CancellationToken.None);

        Assert.False(await store.CloseAsync(id, Now.AddDays(1), CancellationToken.None));
    }

    [SkippableFact]
    public async Task ListAsync_gives_the_topics_of_a_year_with_their_parties()
    {
        var (store, committee, partyA, _) = await ArrangeAsync();
        var older = await store.CreateAsync("2024 年课题", "", 2024, new DateOnly(2024, 6, 30), [], committee, Now, CancellationToken.None);
        var assigned = await store.CreateAsync("指定课题", "", 2025, Deadline, [partyA], committee, Now, CancellationToken.None);
        var open = await store.CreateAsync("开放课题", "", 2025, Deadline, [], committee, Now, CancellationToken.None);

        var topics = await store.ListAsync(2025, CancellationToken.None);

        Assert.Equal([open, assigned], topics.Select(t => t.Id));
        Assert.Equal([partyA], topics[1].Parties.Select(p => p.OrganizationId));
        Assert.Contains(older, (await store.ListAsync(null, CancellationToken.None)).Select(t => t.Id));
    }

    private async Task<(TopicStore Store, long CommitteeUser, long PartyA, long PartyB)> ArrangeAsync()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var organizations = new OrganizationStore(Database);
        var committee = await organizations.EnsureAsync($"committee-{tag}", $"统战部 {tag}", OrganizationKind.Committee, Now, CancellationToken.None);
        var partyA = await organizations.EnsureAsync($"party-a-{tag}", $"民盟 {tag}", OrganizationKind.Party, Now, CancellationToken.None);
        var partyB = await organizations.EnsureAsync($"party-b-{tag}", $"九三学社 {tag}", OrganizationKind.Party, Now, CancellationToken.None);
        var user = await new UserStore(Database).UpsertAsync($"committee.{tag}", "课题管理员", committee, "hash", [Roles.Committee], Now, CancellationToken.None);
        return (new TopicStore(Database), user, partyA, partyB);
    }
}
