using Proposals.Data.Organizations;
using Proposals.Data.Tests.Providers;
using Proposals.Engine.Definitions;
using Proposals.Engine.Execution;

namespace Proposals.Data.Tests.Organizations;

public abstract class SignInAttemptStoreFacts(IDatabaseProvider provider) : StoreFacts(provider)
{
    private static readonly DateTimeOffset Now = new(2025, 3, 3, 2, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lockout = TimeSpan.FromMinutes(15);
    private const string Source = "203.0.113.7";

    private static Task<SignInFailures> FailAsync(SignInAttemptStore store, string account, DateTimeOffset at, int lockAt = 5) =>
        store.RecordFailureAsync(account, Source, at, lockAt, at + Lockout, at - Lockout, CancellationToken.None);

    [SkippableFact]
    public async Task Twelve_parallel_failures_are_counted_twelve_times_and_the_fifth_locks()
    {
        var store = new SignInAttemptStore(Database);
        var account = $"user.{Guid.NewGuid():N}"[..20];
        using var start = new ManualResetEventSlim();
        var callers = Enumerable.Range(0, 12).Select(_ => Task.Factory.StartNew(() =>
        {
            start.Wait();
            return FailAsync(store, account, Now).GetAwaiter().GetResult();
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToList();
        start.Set();

        var counts = await Task.WhenAll(callers);

        // Each caller saw its own count: none was lost and none read another's.
        Assert.Equal(Enumerable.Range(1, 12), counts.Select(c => c.Failures).Order());
        Assert.All(counts, c => Assert.Equal(c.Failures >= 5 ? (DateTimeOffset?)(Now + Lockout) : null, c.LockedUntil));
        Assert.Equal(12, await ScalarAsync<long>("SELECT failures FROM sign_in_failures WHERE account = @account", new { account }));
        var stored = await store.FindFailuresAsync(account, Source, CancellationToken.None);
        Assert.Equal(new SignInFailures(12, Now, Now, Now + Lockout), stored);
    }

    [SkippableFact]
    public async Task Failures_are_counted_per_account_and_address_and_a_success_ends_only_its_own_count()
    {
        var store = new SignInAttemptStore(Database);
        await FailAsync(store, "alice", Now);
        await FailAsync(store, "alice", Now.AddSeconds(5));
        await store.RecordFailureAsync("alice", "198.51.100.1", Now, 5, Now + Lockout, Now - Lockout, CancellationToken.None);
        await FailAsync(store, "bob", Now);

        Assert.Equal(new SignInFailures(2, Now, Now.AddSeconds(5), null), await store.FindFailuresAsync("alice", Source, CancellationToken.None));

        await store.RecordSuccessAsync("alice", Source, Now.AddMinutes(1), CancellationToken.None);

        Assert.Null(await store.FindFailuresAsync("alice", Source, CancellationToken.None));
        Assert.Equal(1, (await store.FindFailuresAsync("alice", "198.51.100.1", CancellationToken.None))!.Failures);
        Assert.Equal(1, (await store.FindFailuresAsync("bob", Source, CancellationToken.None))!.Failures);
        Assert.True(await store.SucceededSinceAsync("alice", Source, Now.AddMinutes(1), CancellationToken.None));
        Assert.False(await store.SucceededSinceAsync("alice", Source, Now.AddMinutes(2), CancellationToken.None));
        Assert.False(await store.SucceededSinceAsync("alice", "198.51.100.1", Now, CancellationToken.None));
    }

    [SkippableFact]
    public async Task A_count_whose_last_failure_and_lock_are_long_past_starts_again_from_one()
    {
        var store = new SignInAttemptStore(Database);
        for (var i = 0; i < 5; i++)
        {
            await FailAsync(store, "carol", Now);
        }
        Assert.Equal(6, (await FailAsync(store, "carol", Now.AddMinutes(1))).Failures);
        // After the lock, within the quarter hour after it: the next failure is the fifth again, and locks anew.
        var again = Now + Lockout + Lockout - TimeSpan.FromSeconds(1);
        Assert.Equal(new SignInFailures(5, Now, again, again + Lockout), await FailAsync(store, "carol", again));

        var later = Now + TimeSpan.FromDays(1);
        Assert.Equal(new SignInFailures(1, later, later, null), await FailAsync(store, "carol", later));
    }

    [SkippableFact]
    public async Task Clearing_a_users_failed_sign_ins_removes_the_counts_of_every_address_and_shows_the_lock_until_then()
    {
        var store = new SignInAttemptStore(Database);
        var users = new UserStore(Database);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var organization = await new OrganizationStore(Database).EnsureAsync($"org-{tag}", $"单位 {tag}", OrganizationKind.Party, Now, CancellationToken.None);
        var id = await users.UpsertAsync($"user.{tag}", "张三", organization, "hash", [], Now, CancellationToken.None);
        await store.RecordFailureAsync($"user.{tag}", "198.51.100.1", Now, 1, Now + Lockout, Now - Lockout, CancellationToken.None);
        await store.RecordFailureAsync($"user.{tag}", "198.51.100.2", Now, 5, Now + Lockout, Now - Lockout, CancellationToken.None);
        await store.RecordFailureAsync("someone.else", "198.51.100.1", Now, 1, Now + Lockout, Now - Lockout, CancellationToken.None);
        Assert.Equal(Now + Lockout, (await users.FindByIdAsync(id, CancellationToken.None))!.LockedUntil);

        Assert.Equal(2, await users.ClearFailedSignInsAsync(id, CancellationToken.None));

        Assert.Null((await users.FindByIdAsync(id, CancellationToken.None))!.LockedUntil);
        Assert.Equal(0, await ScalarAsync<long>("SELECT COUNT(*) FROM sign_in_failures WHERE account = @account", new { account = $"user.{tag}" }));
        Assert.Equal(1, await ScalarAsync<long>("SELECT COUNT(*) FROM sign_in_failures WHERE account = 'someone.else'"));
    }
}
