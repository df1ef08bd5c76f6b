using Proposals.Data.Tests.Providers;
using Proposals.Data.Workflows;
using Proposals.Engine.Definitions;

namespace Proposals.Data.Tests.Workflows;

public abstract class WorkflowStoreFacts(IDatabaseProvider provider) : StoreFacts(provider)
{
    private static readonly DateTimeOffset Now = new(2025, 3, 3, 2, 0, 0, TimeSpan.Zero);

    private static WorkflowDefinition Chain => ProposalChain.Definition;

    [SkippableFact]
    public async Task PublishAsync_stores_a_definition_that_LoadAllAsync_returns()
    {
        var store = new WorkflowStore(Database);

        var conflicts = await store.PublishAsync([Chain], Now, CancellationToken.None);

        Assert.Empty(conflicts);
        var published = Assert.Single(await store.LoadAllAsync(CancellationToken.None));
        Assert.Equal(Now, published.PublishedAt);
        Assert.Equal((Chain.Id, Chain.Version, Chain.Name), (published.Definition.Id, published.Definition.Version, published.Definition.Name));
        Assert.Equal(DefinitionLoader.Serialize(Chain), DefinitionLoader.Serialize(published.Definition));
    }

    [SkippableFact]
    public async Task PublishAsync_of_the_same_content_again_is_no_conflict_and_keeps_the_first_publication()
    {
        var store = new WorkflowStore(Database);
        await store.PublishAsync([Chain], Now, CancellationToken.None);
        var reparsed = DefinitionLoader.Parse(ProposalChain.FileName, ProposalChain.Json).Definition!;

        var conflicts = await store.PublishAsync([reparsed], Now.AddDays(1), CancellationToken.None);

        Assert.Empty(conflicts);
        var published = Assert.Single(await store.LoadAllAsync(CancellationToken.None));
        Assert.Equal(Now, published.PublishedAt);
    }

    [SkippableFact]
    public async Task PublishAsync_of_a_published_version_with_changed_content_is_a_conflict_and_stores_nothing()
    {
        var store = new WorkflowStore(Database);
        await store.PublishAsync([Chain], Now, CancellationToken.None);
        var before = await ContentAsync();
        var changed = Chain with { Name = "changed without a new version" };
        var newer = Chain with { Version = Chain.Version + 1 };

        var conflicts = await store.PublishAsync([newer, changed], Now.AddDays(1), CancellationToken.None);

        var conflict = Assert.Single(conflicts);
        Assert.Equal((Chain.Id, Chain.Version), (conflict.WorkflowId, conflict.Version));
        Assert.Contains("new version", conflict.Reason, StringComparison.Ordinal);
        Assert.Equal(before, await ContentAsync());
        Assert.Equal(1, await ScalarAsync<long>("SELECT COUNT(*) FROM workflow_definitions"));
    }

    [SkippableFact]
    public async Task LoadAllAsync_returns_every_version_in_order()
    {
        var store = new WorkflowStore(Database);
        var second = Chain with { Version = Chain.Version + 1, Name = "second" };

        await store.PublishAsync([second], Now, CancellationToken.None);
        await store.PublishAsync([Chain], Now.AddDays(1), CancellationToken.None);

        var published = await store.LoadAllAsync(CancellationToken.None);
        Assert.Equal([(Chain.Id, Chain.Version), (Chain.Id, Chain.Version + 1)], published.Select(p => (p.Definition.Id, p.Definition.Version)));
        Assert.Equal("second", published[1].Definition.Name);
    }

    private Task<string> ContentAsync() =>
        ScalarAsync<string>("SELECT content FROM workflow_definitions WHERE workflow_id = @Id AND version = @Version", new { Chain.Id, Chain.Version });
}
