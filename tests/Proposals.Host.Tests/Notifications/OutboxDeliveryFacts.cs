using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Proposals.Host.Jobs;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Notifications;

public sealed class OutboxDeliveryFactsOnSqlite() : OutboxDeliveryFacts(TestDatabases.Sqlite);

public sealed class OutboxDeliveryFactsOnPostgres() : OutboxDeliveryFacts(TestDatabases.Postgres);

public sealed class OutboxDeliveryFactsOnSqlServer() : OutboxDeliveryFacts(TestDatabases.SqlServer);

/// <summary>
/// The outbox job through the host, to channels configured per organisation: a robot for the lead department, a
/// mailbox and a webhook for the supervision office. The webhook fails until it is dead-lettered; the others deliver.
/// </summary>
public abstract class OutboxDeliveryFacts(Func<TestDatabase> database) : ChainFacts(database)
{
    private readonly SmtpListener _smtp = new();
    private WebhookListener _web = null!;

    protected override async Task<IReadOnlyDictionary<string, string?>?> SettingsAsync()
    {
        _web = await WebhookListener.StartAsync();
        return new Dictionary<string, string?>
        {
            ["Notifications:Smtp:Host"] = "127.0.0.1",
            ["Notifications:Smtp:Port"] = _smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Notifications:Smtp:Security"] = "None",
            ["Notifications:Smtp:From"] = "duban@city.example",
            ["Notifications:Delivery:MaxAttempts"] = "3",
            ["Notifications:Delivery:FirstRetryDelay"] = "00:01:00",
            ["Notifications:Channels:0:Name"] = "fgj-wecom",
            ["Notifications:Channels:0:Type"] = "wecom",
            ["Notifications:Channels:0:Organization"] = "fgj",
            ["Notifications:Channels:0:Url"] = $"{_web.Url}/fgj?key=k",
            ["Notifications:Channels:1:Name"] = "dcs-mail",
            ["Notifications:Channels:1:Type"] = "email",
            ["Notifications:Channels:1:OrganizationKind"] = "supervision",
            ["Notifications:Channels:1:To:0"] = "dcs@city.example",
            ["Notifications:Channels:2:Name"] = "dcs-hook",
            ["Notifications:Channels:2:Type"] = "webhook",
            ["Notifications:Channels:2:OrganizationKind"] = "supervision",
            ["Notifications:Channels:2:Kinds:0"] = "digest",
            ["Notifications:Channels:2:Url"] = $"{_web.Url}/dcs",
        };
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _smtp.Dispose();
        if (_web is not null)
        {
            await _web.DisposeAsync();
        }
    }

    private ScheduledJobs Jobs => Host.Services.GetRequiredService<ScheduledJobs>();

    private static async Task<JsonObject> DeadLettersAsync(ApiClient client) => await ApiClient.Json(await client.GetAsync("/api/outbox/deliveries?status=dead"), HttpStatusCode.OK);

    [SkippableFact]
    public async Task Each_channel_delivers_once_a_failing_one_ends_dead_lettered_without_holding_back_the_others_and_can_be_retried()
    {
        _web.Answer("/dcs", 500, "oa system down");
        var id = await C.AdoptedAsync();
        await Jobs.SendDigestAsync(CancellationToken.None);

        await Jobs.DeliverOutboxAsync(CancellationToken.None);
        await Jobs.DeliverOutboxAsync(CancellationToken.None);

        var robot = _web.ReceivedAt("/fgj");
        Assert.NotEmpty(robot);
        Assert.Contains(robot, r => r.Text.Contains("签收", StringComparison.Ordinal) && r.Text.Contains($"(http://127.0.0.1:5080/proposals/{id})", StringComparison.Ordinal));
        Assert.Equal(robot.Count, Host.Scalar($"SELECT COUNT(*) FROM notifications WHERE organization_id = {C.Org("fgj")}"));
        var (recipients, mail) = Assert.Single(_smtp.Received);
        Assert.Equal(["dcs@city.example"], recipients);
        Assert.StartsWith("督查日报（2026-03-02）", mail.Subject, StringComparison.Ordinal);
        Assert.Single(_web.ReceivedAt("/dcs"));
        Assert.Empty((await DeadLettersAsync(C.Supervisor))["items"]!.AsArray());

        C.Host.Clock.Advance(TimeSpan.FromMinutes(1));
        await Jobs.DeliverOutboxAsync(CancellationToken.None);
        Assert.Equal(2, _web.ReceivedAt("/dcs").Count);
        C.Host.Clock.Advance(TimeSpan.FromMinutes(1)); // the second retry waits twice as long
        await Jobs.DeliverOutboxAsync(CancellationToken.None);
        Assert.Equal(2, _web.ReceivedAt("/dcs").Count);
        C.Host.Clock.Advance(TimeSpan.FromMinutes(1));
        await Jobs.DeliverOutboxAsync(CancellationToken.None);
        Assert.Equal(3, _web.ReceivedAt("/dcs").Count);
        C.Host.Clock.Advance(TimeSpan.FromHours(2));
        await Jobs.DeliverOutboxAsync(CancellationToken.None);
        Assert.Equal(3, _web.ReceivedAt("/dcs").Count);
        Assert.Single(_smtp.Received);

        var dead = Assert.Single((await DeadLettersAsync(C.Supervisor))["items"]!.AsArray())!;
        Assert.Equal("dcs-hook", dead["channel"]!.GetValue<string>());
        Assert.Equal(3, dead["attempts"]!.GetValue<int>());
        Assert.Contains("HTTP 500", dead["lastError"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("digest", dead["kind"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, (await C.Lead.GetAsync("/api/outbox/deliveries?status=dead")).StatusCode);
        // Readiness names its checks to the administrator only.
        var ready = JsonNode.Parse(await C.Admin.Http.GetStringAsync("/health/ready"))!;
        Assert.Equal("Degraded", ready["status"]!.GetValue<string>());
        Assert.Equal("Degraded", ready["checks"]!["outbox"]!["status"]!.GetValue<string>());
        Assert.Equal("Healthy", ready["checks"]!["smtp"]!["status"]!.GetValue<string>());
        Assert.Contains((await C.Supervisor.GetJsonAsync("/api/inbox"))["notifications"]!.AsArray(), n => n!["kind"]!.GetValue<string>() == "digest");

        var deadId = dead["id"]!.GetValue<long>();
        Assert.Equal(HttpStatusCode.Forbidden, (await C.Supervisor.PostAsync($"/api/outbox/deliveries/{deadId}/retry", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await C.Admin.PostAsync("/api/outbox/deliveries/999999/retry", null)).StatusCode);
        _web.Answer("/dcs", 200, "{}");
        Assert.Equal(HttpStatusCode.NoContent, (await C.Admin.PostAsync($"/api/outbox/deliveries/{deadId}/retry", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await C.Admin.PostAsync($"/api/outbox/deliveries/{deadId}/retry", null)).StatusCode);
        await Jobs.DeliverOutboxAsync(CancellationToken.None);
        Assert.Equal(4, _web.ReceivedAt("/dcs").Count);
        Assert.Empty((await DeadLettersAsync(C.Admin))["items"]!.AsArray());
        Assert.Equal("Healthy", JsonNode.Parse(await C.Admin.Http.GetStringAsync("/health/ready"))!["checks"]!["outbox"]!["status"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task The_dead_letter_list_refuses_bad_query_parameters_by_name()
    {
        foreach (var (query, parameter) in new[] { ("status=lost", "status"), ("page=0", "page"), ("pageSize=500", "pageSize"), ("pageSize=many", "pageSize") })
        {
            var response = await C.Admin.GetAsync($"/api/outbox/deliveries?{query}");
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.Contains(parameter, (await ApiClient.Json(response, HttpStatusCode.UnprocessableEntity))["errors"]!.AsObject().Select(e => e.Key));
        }
    }

    [SkippableFact]
    public async Task Email_while_the_smtp_server_is_down_waits_in_the_outbox_and_readiness_says_why()
    {
        var port = _smtp.Port;
        _smtp.Dispose();
        await Jobs.SendDigestAsync(CancellationToken.None);
        await Jobs.DeliverOutboxAsync(CancellationToken.None);

        var ready = JsonNode.Parse(await C.Admin.Http.GetStringAsync("/health/ready"))!;
        Assert.Equal("Degraded", ready["checks"]!["smtp"]!["status"]!.GetValue<string>());
        Assert.Contains($"127.0.0.1:{port}", ready["checks"]!["smtp"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, Host.Scalar("SELECT COUNT(*) FROM notification_deliveries WHERE channel = 'dcs-mail' AND status = 'pending' AND attempts = 1"));
    }

    [SkippableFact]
    public async Task A_retried_delivery_carries_the_same_delivery_id_and_every_other_delivery_its_own()
    {
        _web.Answer("/dcs", 500, "oa system down");
        await C.AdoptedAsync();
        await Jobs.SendDigestAsync(CancellationToken.None);
        await Jobs.DeliverOutboxAsync(CancellationToken.None);
        _web.Answer("/dcs", 200, "{}");
        C.Host.Clock.Advance(TimeSpan.FromMinutes(1));
        await Jobs.DeliverOutboxAsync(CancellationToken.None);

        var hook = _web.ReceivedAt("/dcs");
        Assert.Equal(2, hook.Count);
        var hookRow = Host.Scalar("SELECT id FROM notification_deliveries WHERE channel = 'dcs-hook'");
        Assert.All(hook, r => Assert.Equal(hookRow.ToString(CultureInfo.InvariantCulture), r.Headers["X-Proposals-Delivery-Id"]));
        Assert.Equal("sent", Host.Database.Scalar<string>("SELECT status FROM notification_deliveries WHERE channel = 'dcs-hook'"));
        var robot = _web.ReceivedAt("/fgj").Select(r => r.Headers["X-Proposals-Delivery-Id"]).ToList();
        Assert.NotEmpty(robot);
        Assert.Equal(robot.Count, robot.Distinct().Count());
        Assert.DoesNotContain(hookRow.ToString(CultureInfo.InvariantCulture), robot);
        var mailRow = Host.Scalar("SELECT id FROM notification_deliveries WHERE channel = 'dcs-mail'");
        Assert.Equal($"delivery-{mailRow}@proposals.local", Assert.Single(_smtp.Received).Message.MessageId);
    }
}
