using Proposals.Data.Organizations;
using Proposals.Data.Tests.Providers;
using Proposals.Engine.Execution;

namespace Proposals.Data.Tests.Organizations;

public abstract class OrganizationStoreFacts(IDatabaseProvider provider) : StoreFacts(provider)
{
    private static readonly DateTimeOffset Now = new(2025, 3, 3, 2, 0, 0, TimeSpan.Zero);

    [SkippableFact]
    public async Task EnsureAsync_adds_an_organisation_with_its_code_name_and_kind()
    {
        var store = new OrganizationStore(Database);
        var code = Unique("minmeng");

        var id = await store.EnsureAsync(code, $"民盟市委会 {code}", OrganizationKind.Party, Now, CancellationToken.None);

        var listed = Assert.Single(await store.ListAsync(CancellationToken.None), o => o.Id == id);
        Assert.Equal(new Organization(id, code, $"民盟市委会 {code}", OrganizationKind.Party, null, "Asia/Shanghai", true), listed);
        var directory = await store.DirectoryAsync(CancellationToken.None);
        Assert.Equal(new OrganizationInfo(id, code, $"民盟市委会 {code}", OrganizationKind.Party, "Asia/Shanghai", true), directory[id]);
    }

    [SkippableFact]
    public async Task EnsureAsync_of_a_known_code_returns_the_same_id_and_changes_nothing()
    {
        var store = new OrganizationStore(Database);
        var code = Unique("fgj");
        var first = await store.EnsureAsync(code, $"发改局 {code}", OrganizationKind.Department, Now, CancellationToken.None);

        var second = await store.EnsureAsync(code, "another name", OrganizationKind.Party, Now.AddDays(1), CancellationToken.None);

        Assert.Equal(first, second);
        var rows = (await store.ListAsync(CancellationToken.None)).Where(o => o.Code == code).ToList();
        var only = Assert.Single(rows);
        Assert.Equal($"发改局 {code}", only.Name);
        Assert.Equal(OrganizationKind.Department, only.Kind);
    }

    [SkippableFact]
    public async Task EnsureAsync_gives_different_codes_different_ids()
    {
        var store = new OrganizationStore(Database);

        var a = await store.EnsureAsync(Unique("a"), "A", OrganizationKind.Party, Now, CancellationToken.None);
        var b = await store.EnsureAsync(Unique("b"), "B", OrganizationKind.Party, Now, CancellationToken.None);

        Assert.NotEqual(a, b);
    }

    [SkippableFact]
    public async Task EnsureAsync_of_one_code_by_parallel_callers_gives_them_all_one_id()
    {
        var store = new OrganizationStore(Database);
        var code = Unique("zfb");
        using var start = new ManualResetEventSlim();
        var callers = Enumerable.Range(0, 8).Select(_ => Task.Factory.StartNew(() =>
        {
            start.Wait();
            return store.EnsureAsync(code, $"政府办 {code}", OrganizationKind.Government, Now, CancellationToken.None).GetAwaiter().GetResult();
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToList();
        start.Set();

        var ids = await Task.WhenAll(callers);

        Assert.Single(ids.Distinct());
        Assert.Single(await store.ListAsync(CancellationToken.None), o => o.Code == code);
    }

    private static string Unique(string code) => $"{code}-{Guid.NewGuid():N}"[..(code.Length + 9)];
}
