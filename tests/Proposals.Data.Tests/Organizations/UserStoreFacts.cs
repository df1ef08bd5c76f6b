using Proposals.Data.Organizations;
using Proposals.Data.Tests.Providers;
using Proposals.Engine.Definitions;
using Proposals.Engine.Execution;

namespace Proposals.Data.Tests.Organizations;

public abstract class UserStoreFacts(IDatabaseProvider provider) : StoreFacts(provider)
{
    private static readonly DateTimeOffset Now = new(2025, 3, 3, 2, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    [SkippableFact]
    public async Task UpsertAsync_creates_a_user_with_its_roles()
    {
        var (store, organization, name) = await ArrangeAsync();

        var id = await store.UpsertAsync(name, "张三", organization, "hash-1", [Roles.PartyAdmin, Roles.PartyMember], Now, CancellationToken.None);

        var user = await store.FindByNameAsync(name, CancellationToken.None);
        Assert.NotNull(user);
        Assert.Equal((id, name, "张三", organization, "hash-1", true), (user.Id, user.Username, user.DisplayName, user.OrganizationId, user.PasswordHash, user.Active));
        Assert.Equal([Roles.PartyAdmin, Roles.PartyMember], user.Roles);
        var byId = await store.FindByIdAsync(id, CancellationToken.None);
        Assert.NotNull(byId);
        Assert.Equal((user.Username, user.DisplayName, user.OrganizationId, user.Active), (byId.Username, byId.DisplayName, byId.OrganizationId, byId.Active));
        Assert.Equal(user.Roles, byId.Roles);
    }

    [SkippableFact]
    public async Task UpsertAsync_of_a_known_username_keeps_the_id_and_replaces_name_hash_and_roles()
    {
        var (store, organization, name) = await ArrangeAsync();
        var id = await store.UpsertAsync(name, "张三", organization, "hash-1", [Roles.PartyAdmin, Roles.PartyMember], Now, CancellationToken.None);

        var again = await store.UpsertAsync(name, "张三丰", organization, "hash-2", [Roles.Committee], Now, CancellationToken.None);

        Assert.Equal(id, again);
        var user = await store.FindByIdAsync(id, CancellationToken.None);
        Assert.NotNull(user);
        Assert.Equal(("张三丰", "hash-2"), (user.DisplayName, user.PasswordHash));
        Assert.Equal([Roles.Committee], user.Roles);
        Assert.Equal(1, await ScalarAsync<long>("SELECT COUNT(*) FROM users WHERE username = @name", new { name }));
    }

    [SkippableFact]
    public async Task UpsertAsync_stores_a_role_named_twice_once()
    {
        var (store, organization, name) = await ArrangeAsync();

        var id = await store.UpsertAsync(name, "张三", organization, "hash", [Roles.Government, Roles.Government], Now, CancellationToken.None);

        Assert.Equal([Roles.Government], (await store.FindByIdAsync(id, CancellationToken.None))!.Roles);
    }

    [SkippableFact]
    public async Task UpsertAsync_of_one_username_by_parallel_callers_gives_one_user_with_one_set_of_roles()
    {
        var (store, organization, name) = await ArrangeAsync();
        using var start = new ManualResetEventSlim();
        var callers = Enumerable.Range(0, 8).Select(i => Task.Factory.StartNew(() =>
        {
            start.Wait();
            return store.UpsertAsync(name, "张三", organization, "hash", [Roles.PartyMember, Roles.PartyAdmin], Now, CancellationToken.None).GetAwaiter().GetResult();
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToList();
        start.Set();

        var ids = await Task.WhenAll(callers);

        var id = Assert.Single(ids.Distinct());
        Assert.Equal([Roles.PartyAdmin, Roles.PartyMember], (await store.FindByIdAsync(id, CancellationToken.None))!.Roles);
        Assert.Equal(1, await ScalarAsync<long>("SELECT COUNT(*) FROM users WHERE username = @name", new { name }));
    }

    [SkippableFact]
    public async Task FindByNameAsync_of_an_unknown_name_returns_null()
    {
        var (store, _, name) = await ArrangeAsync();

        Assert.Null(await store.FindByNameAsync(name, CancellationToken.None));
    }

    [SkippableFact]
    public async Task FindByTokenAsync_finds_the_user_an_issued_token_belongs_to()
    {
        var (store, organization, name) = await ArrangeAsync();
        var id = await store.UpsertAsync(name, "张三", organization, "hash", [Roles.Supervisor], Now, CancellationToken.None);

        var token = await store.IssueTokenAsync(id, Now, Hour, CancellationToken.None);

        Assert.Equal(Now + Hour, token.ExpiresAt);
        var user = await store.FindByTokenAsync(token.Token, Now.AddMinutes(59), CancellationToken.None);
        Assert.NotNull(user);
        Assert.Equal(id, user.Id);
        Assert.Equal([Roles.Supervisor], user.Roles);
    }

    [SkippableFact]
    public async Task IssueTokenAsync_stores_only_a_hash_of_the_token()
    {
        var (store, organization, name) = await ArrangeAsync();
        var id = await store.UpsertAsync(name, "张三", organization, "hash", [], Now, CancellationToken.None);

        var token = await store.IssueTokenAsync(id, Now, Hour, CancellationToken.None);

        Assert.Equal(0, await ScalarAsync<long>("SELECT COUNT(*) FROM access_tokens WHERE token_hash = @Token", new { token.Token }));
        Assert.Equal(1, await ScalarAsync<long>("SELECT COUNT(*) FROM access_tokens WHERE user_id = @id", new { id }));
    }

    [SkippableFact]
    public async Task FindByTokenAsync_does_not_find_an_expired_token()
    {
        var (store, organization, name) = await ArrangeAsync();
        var id = await store.UpsertAsync(name, "张三", organization, "hash", [Roles.Supervisor], Now, CancellationToken.None);
        var token = await store.IssueTokenAsync(id, Now - TimeSpan.FromHours(2), Hour, CancellationToken.None);

        Assert.Null(await store.FindByTokenAsync(token.Token, Now, CancellationToken.None));
        Assert.Null(await store.FindByTokenAsync(token.Token, token.ExpiresAt, CancellationToken.None));
    }

    [SkippableFact]
    public async Task FindByTokenAsync_does_not_find_a_revoked_token_but_still_finds_another_of_the_same_user()
    {
        var (store, organization, name) = await ArrangeAsync();
        var id = await store.UpsertAsync(name, "张三", organization, "hash", [Roles.Supervisor], Now, CancellationToken.None);
        var revoked = await store.IssueTokenAsync(id, Now, Hour, CancellationToken.None);
        var kept = await store.IssueTokenAsync(id, Now, Hour, CancellationToken.None);

        await store.RevokeTokenAsync(revoked.Token, Now.AddMinutes(1), CancellationToken.None);

        Assert.Null(await store.FindByTokenAsync(revoked.Token, Now.AddMinutes(2), CancellationToken.None));
        Assert.Equal(id, (await store.FindByTokenAsync(kept.Token, Now.AddMinutes(2), CancellationToken.None))?.Id);
    }

    [SkippableFact]
    public async Task FindByTokenAsync_does_not_find_the_token_of_a_deactivated_user()
    {
        var (store, organization, name) = await ArrangeAsync();
        var id = await store.UpsertAsync(name, "张三", organization, "hash", [Roles.Supervisor], Now, CancellationToken.None);
        var token = await store.IssueTokenAsync(id, Now, Hour, CancellationToken.None);

        Assert.Equal(1, await ExecuteAsync("UPDATE users SET active = @active WHERE id = @id", new { id, active = false }));

        Assert.Null(await store.FindByTokenAsync(token.Token, Now.AddMinutes(1), CancellationToken.None));
    }

    [SkippableFact]
    public async Task FindByTokenAsync_of_an_unknown_token_returns_null()
    {
        var (store, _, _) = await ArrangeAsync();

        Assert.Null(await store.FindByTokenAsync("not-a-token", Now, CancellationToken.None));
    }

    private async Task<(UserStore Store, long OrganizationId, string Username)> ArrangeAsync()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var organization = await new OrganizationStore(Database).EnsureAsync($"org-{tag}", $"单位 {tag}", OrganizationKind.Party, Now, CancellationToken.None);
        return (new UserStore(Database), organization, $"user.{tag}");
    }
}
