using Microsoft.Extensions.DependencyInjection;
using Proposals.Host.Jobs;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Supervision;

public sealed class DigestFactsOnSqlite() : DigestFacts(TestDatabases.Sqlite);

public sealed class DigestFactsOnPostgres() : DigestFacts(TestDatabases.Postgres);

public sealed class DigestFactsOnSqlServer() : DigestFacts(TestDatabases.SqlServer);

public abstract class DigestFacts(Func<TestDatabase> database) : ChainFacts(database)
{
    private ScheduledJobs Jobs => Host.Services.GetRequiredService<ScheduledJobs>();

    private long Digests => Host.Scalar("SELECT COUNT(*) FROM notifications WHERE kind = 'digest'");

    [SkippableFact]
    public async Task Supervisors_get_one_digest_each_working_day_listing_what_is_overdue_or_due_within_a_week_by_organisation()
    {
        var id = await C.AdoptedAsync(); // Monday 2 March: signing due Thursday 5 March
        await C.Lead.ActAsync(id, "sign");
        await C.AdvanceAsync(new DateTimeOffset(2026, 3, 6, 0, 30, 0, TimeSpan.Zero) - Host.Clock.GetUtcNow()); // Friday 08:30 Beijing

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Jobs.SendDigestAsync(CancellationToken.None)));
        await Jobs.SendDigestAsync(CancellationToken.None);

        Assert.Equal(1, Digests);
        var inbox = await C.Supervisor.GetJsonAsync("/api/inbox");
        var digest = inbox["notifications"]!.AsArray().Single(n => n!["kind"]!.GetValue<string>() == "digest")!;
        Assert.Equal("督查日报（2026-03-06）：逾期 2 件，7 日内到期 0 件", digest["title"]!.GetValue<string>());
        var body = digest["body"]!.GetValue<string>();
        Assert.Contains("【教育局】逾期 1 件，即将到期 0 件", body, StringComparison.Ordinal);
        Assert.Contains("【住建局】逾期 1 件，即将到期 0 件", body, StringComparison.Ordinal);
        Assert.Contains("《关于优化营商环境的调研报告》签收（期限 2026-03-05，逾期 1 个工作日）", body, StringComparison.Ordinal);
        Assert.DoesNotContain("发改局", body, StringComparison.Ordinal);
        Assert.DoesNotContain((await C.Lead.GetJsonAsync("/api/inbox"))["notifications"]!.AsArray(), n => n!["kind"]!.GetValue<string>() == "digest");

        await C.AdvanceAsync(TimeSpan.FromDays(1)); // Saturday
        await Jobs.SendDigestAsync(CancellationToken.None);
        Assert.Equal(1, Digests);
        await C.AdvanceAsync(TimeSpan.FromDays(2)); // Monday
        await Jobs.SendDigestAsync(CancellationToken.None);
        Assert.Equal(2, Digests);
    }

    [SkippableFact]
    public async Task A_quiet_day_s_digest_says_there_is_nothing_to_chase()
    {
        await Jobs.SendDigestAsync(CancellationToken.None);

        var digest = (await C.Supervisor.GetJsonAsync("/api/inbox"))["notifications"]!.AsArray().Single(n => n!["kind"]!.GetValue<string>() == "digest")!;
        Assert.Equal("督查日报（2026-03-02）：逾期 0 件，7 日内到期 0 件", digest["title"]!.GetValue<string>());
        Assert.Contains("今日无逾期或即将到期事项。", digest["body"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
