using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Proposals.Data.Reminders;
using Proposals.Host.Jobs;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Notifications;

public sealed class LeaseHeartbeatFactsOnSqlite() : LeaseHeartbeatFacts(TestDatabases.Sqlite);

public sealed class LeaseHeartbeatFactsOnPostgres() : LeaseHeartbeatFacts(TestDatabases.Postgres);

/// <summary>
/// A delivery batch that works longer than its lease (a robot that does not answer) keeps its rows: the heartbeat
/// renews the claim, so another host cannot take them meanwhile, and each message goes out once.
/// </summary>
public abstract class LeaseHeartbeatFacts(Func<TestDatabase> database) : ChainFacts(database)
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(3);
    private WebhookListener _web = null!;

    protected override async Task<IReadOnlyDictionary<string, string?>?> SettingsAsync()
    {
        _web = await WebhookListener.StartAsync();
        return new Dictionary<string, string?>
        {
            ["Jobs:Lease"] = "00:00:03",
            ["Notifications:Channels:0:Name"] = "fgj-hook",
            ["Notifications:Channels:0:Type"] = "webhook",
            ["Notifications:Channels:0:Organization"] = "fgj",
            ["Notifications:Channels:0:Url"] = $"{_web.Url}/fgj",
        };
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_web is not null)
        {
            await _web.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task A_batch_that_works_longer_than_its_lease_keeps_its_rows_and_sends_each_once()
    {
        await C.AdoptedAsync();
        var jobs = Host.Services.GetRequiredService<ScheduledJobs>();
        var outbox = Host.Services.GetRequiredService<OutboxStore>();
        _web.Hold("/fgj");

        var run = Task.Run(() => jobs.DeliverOutboxAsync(CancellationToken.None));
        Assert.True(await WaitForAsync(() => _web.ReceivedAt("/fgj").Count > 0, TimeSpan.FromSeconds(30)), "the robot was never called");
        var held = Host.Scalar("SELECT COUNT(*) FROM notification_deliveries WHERE claimed_by IS NOT NULL");
        Assert.True(held > 0);

        // Three leases pass on the host's clock while the robot keeps the batch waiting; after each, once the heartbeat
        // (every third of the lease) has beaten, another host finds nothing to claim.
        for (var i = 0; i < 3; i++)
        {
            Host.Clock.Advance(Lease + TimeSpan.FromSeconds(1));
            var now = Host.Clock.GetUtcNow();
            Assert.True(await WaitForAsync(() => ClaimedUntilAll(now), TimeSpan.FromSeconds(10)), "the heartbeat did not renew the claim");
            Assert.Empty(await outbox.ClaimDueDeliveriesAsync("other-host", now, 100, Lease, CancellationToken.None));
        }

        _web.Release("/fgj");
        await run;
        var deliveries = Host.Scalar("SELECT COUNT(*) FROM notification_deliveries WHERE channel = 'fgj-hook'");
        Assert.Equal(deliveries, Host.Scalar("SELECT COUNT(*) FROM notification_deliveries WHERE channel = 'fgj-hook' AND status = 'sent' AND attempts = 1"));
        Assert.Equal(deliveries, _web.ReceivedAt("/fgj").Select(r => r.Headers["X-Proposals-Delivery-Id"]).Distinct().Count());
        Assert.Equal(deliveries, _web.ReceivedAt("/fgj").Count);
    }

    // Every row still claimed is held beyond this instant.
    private bool ClaimedUntilAll(DateTimeOffset now) =>
        Host.Database.Query<DateTime>("SELECT claimed_until FROM notification_deliveries WHERE claimed_by IS NOT NULL")
            .All(until => new DateTimeOffset(DateTime.SpecifyKind(until, DateTimeKind.Utc)) > now);

    private static async Task<bool> WaitForAsync(Func<bool> condition, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < within)
        {
            if (condition())
            {
                return true;
            }
            await Task.Delay(50);
        }
        return condition();
    }
}
