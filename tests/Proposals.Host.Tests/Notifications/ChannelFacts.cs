using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Proposals.Host.Notifications;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Notifications;

/// <summary>Each channel against a real listener the test starts: what arrives, field by field, and how refusals fail.</summary>
public sealed class ChannelFacts : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);
    private const string Secret = "SECf00dbabe-dingtalk-secret";
    private const string AccessToken = "robot-access-token-1234";

    private readonly ManualTimeProvider _clock = new(Now);
    private readonly SmtpListener _smtp = new();
    private WebhookListener _web = null!;

    private static readonly ChannelMessage Message = new(
        42, 7, "reminder-blue", "蓝色督办：《关于优化营商环境的调研报告》办理答复已逾期",
        "《关于优化营商环境的调研报告》的“办理答复”由发改局办理，办理期限 2026-04-15 已过，请立即办理。", "http://proposals.example/api/proposals/7",
        new DateTimeOffset(2026, 3, 2, 1, 0, 0, TimeSpan.Zero), 913);

    public async Task InitializeAsync() => _web = await WebhookListener.StartAsync();

    public async Task DisposeAsync()
    {
        _smtp.Dispose();
        await _web.DisposeAsync();
    }

    private ServiceProvider Services(params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string?>
        {
            ["Notifications:Smtp:Host"] = "127.0.0.1",
            ["Notifications:Smtp:Port"] = _smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Notifications:Smtp:Security"] = "None",
            ["Notifications:Smtp:From"] = "duban@city.example",
            ["Notifications:Delivery:SendTimeout"] = "00:00:10",
        };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(_clock).AddNotificationChannels(configuration).BuildServiceProvider();
    }

    private static INotificationChannel Channel(ServiceProvider services, string type) =>
        services.GetServices<INotificationChannel>().Single(c => c.Type == type);

    [Fact]
    public async Task Email_arrives_with_its_subject_body_link_recipients_and_sender_in_chinese()
    {
        using var services = Services();
        var channel = new ChannelSettings { Name = "mail", Type = "email", To = ["fgj@city.example", "督查室 <dcs@city.example>"] };

        await Channel(services, "email").SendAsync(channel, Message, CancellationToken.None);

        var (recipients, mail) = Assert.Single(_smtp.Received);
        Assert.Equal(["fgj@city.example", "dcs@city.example"], recipients);
        Assert.Equal(Message.Title, mail.Subject);
        Assert.Equal("duban@city.example", mail.From.Mailboxes.Single().Address);
        Assert.Equal("提案办理督办系统", mail.From.Mailboxes.Single().Name);
        Assert.Contains(Message.Body, mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("查看详情：http://proposals.example/api/proposals/7", mail.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Email_and_webhooks_carry_the_delivery_id_as_message_id_and_header()
    {
        using var services = Services(("Notifications:Smtp:MessageIdHost", "duban.city.example"));
        using var plain = Services();
        var mail = new ChannelSettings { Name = "mail", Type = "email", To = ["fgj@city.example"] };

        await Channel(services, "email").SendAsync(mail, Message, CancellationToken.None);
        await Channel(plain, "email").SendAsync(mail, Message with { DeliveryId = 914 }, CancellationToken.None);
        await Channel(plain, "webhook").SendAsync(new ChannelSettings { Name = "hook", Type = "webhook", Url = $"{_web.Url}/hook" }, Message, CancellationToken.None);
        await Channel(plain, "wecom").SendAsync(new ChannelSettings { Name = "wecom", Type = "wecom", Url = $"{_web.Url}/wecom" }, Message, CancellationToken.None);

        Assert.Equal(["delivery-913@duban.city.example", "delivery-914@proposals.local"], _smtp.Received.Select(r => r.Message.MessageId));
        Assert.All(_web.Received, r => Assert.Equal("913", r.Headers["X-Proposals-Delivery-Id"]));
        Assert.Equal(2, _web.Received.Count);
    }

    [Fact]
    public async Task Email_to_an_unreachable_server_or_a_refused_recipient_fails_naming_the_server_and_never_the_password()
    {
        var port = SmtpListener.ClosedPort();
        using var services = Services(("Notifications:Smtp:Port", port.ToString(CultureInfo.InvariantCulture)), ("Notifications:Smtp:Username", "mailer"), ("Notifications:Smtp:Password", "p@ss-w0rd"));
        var channel = new ChannelSettings { Name = "mail", Type = "email", To = ["fgj@city.example"] };

        var unreachable = await Assert.ThrowsAsync<ChannelDeliveryException>(() => Channel(services, "email").SendAsync(channel, Message, CancellationToken.None));
        Assert.Contains($"127.0.0.1:{port}", unreachable.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("p@ss-w0rd", unreachable.Message, StringComparison.Ordinal);

        _smtp.RefuseRecipients = true;
        using var refusing = Services();
        var refused = await Assert.ThrowsAsync<ChannelDeliveryException>(() => Channel(refusing, "email").SendAsync(channel, Message, CancellationToken.None));
        Assert.Contains("mailbox unavailable", refused.Message, StringComparison.Ordinal);
        Assert.Empty(_smtp.Received);
    }

    [Fact]
    public async Task A_wecom_robot_gets_a_markdown_message_with_title_body_and_link()
    {
        using var services = Services();
        var channel = new ChannelSettings { Name = "wecom", Type = "wecom", Url = $"{_web.Url}/cgi-bin/webhook/send?key={AccessToken}" };

        await Channel(services, "wecom").SendAsync(channel, Message, CancellationToken.None);

        var request = Assert.Single(_web.Received);
        Assert.Equal("/cgi-bin/webhook/send", request.Path);
        Assert.Equal(AccessToken, request.Query["key"]);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        var json = JsonNode.Parse(request.Text)!.AsObject();
        Assert.Equal(["msgtype", "markdown"], json.Select(p => p.Key));
        Assert.Equal("markdown", json["msgtype"]!.GetValue<string>());
        Assert.Equal($"**{Message.Title}**\n\n{Message.Body}\n\n[查看详情]({Message.Link})", json["markdown"]!["content"]!.GetValue<string>());
    }

    [Fact]
    public void A_wecom_message_too_long_for_the_robot_is_cut_on_a_character_boundary_and_keeps_its_link()
    {
        var body = string.Concat(Enumerable.Repeat("办理情况😀说明", 600));
        var content = WeComChannel.FitContent(Message with { Body = body });

        Assert.True(Encoding.UTF8.GetByteCount(content) <= WeComChannel.ContentLimitBytes);
        Assert.True(Encoding.UTF8.GetByteCount(content) > WeComChannel.ContentLimitBytes - 8);
        Assert.DoesNotContain('\uFFFD', content);
        Assert.False(char.IsHighSurrogate(content[content.IndexOf('…', StringComparison.Ordinal) - 1]));
        Assert.EndsWith($"…\n\n[查看详情]({Message.Link})", content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dingtalk_robot_gets_a_markdown_message_signed_with_the_clock_s_time_and_the_secret()
    {
        using var services = Services();
        var channel = new ChannelSettings { Name = "ding", Type = "dingtalk", Url = $"{_web.Url}/robot/send?access_token={AccessToken}", Secret = Secret };

        await Channel(services, "dingtalk").SendAsync(channel, Message, CancellationToken.None);

        var request = Assert.Single(_web.Received);
        Assert.Equal("/robot/send", request.Path);
        Assert.Equal(AccessToken, request.Query["access_token"]);
        Assert.Equal(Now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), request.Query["timestamp"]);
        var expected = Convert.ToBase64String(new HMACSHA256(Encoding.UTF8.GetBytes(Secret)).ComputeHash(Encoding.UTF8.GetBytes(request.Query["timestamp"] + "\n" + Secret)));
        Assert.Equal(expected, request.Query["sign"]);
        var json = JsonNode.Parse(request.Text)!.AsObject();
        Assert.Equal("markdown", json["msgtype"]!.GetValue<string>());
        Assert.Equal(Message.Title, json["markdown"]!["title"]!.GetValue<string>());
        Assert.Equal($"**{Message.Title}**\n\n{Message.Body}\n\n[查看详情]({Message.Link})", json["markdown"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_robot_that_answers_with_an_error_code_fails_without_leaking_its_token_or_secret()
    {
        _web.Answer("/robot/send", 200, """{"errcode":310000,"errmsg":"sign not match"}""");
        using var services = Services();
        var channel = new ChannelSettings { Name = "ding", Type = "dingtalk", Url = $"{_web.Url}/robot/send?access_token={AccessToken}", Secret = Secret };

        var error = await Assert.ThrowsAsync<ChannelDeliveryException>(() => Channel(services, "dingtalk").SendAsync(channel, Message, CancellationToken.None));

        Assert.Contains("errcode 310000: sign not match", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(AccessToken, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_json_webhook_gets_every_field_and_an_hmac_signature_of_time_and_body()
    {
        using var services = Services();
        var channel = new ChannelSettings { Name = "oa", Type = "webhook", Url = $"{_web.Url}/hooks/proposals", Secret = "oa-secret" };

        await Channel(services, "webhook").SendAsync(channel, Message, CancellationToken.None);

        var request = Assert.Single(_web.Received);
        var json = JsonNode.Parse(request.Text)!.AsObject();
        Assert.Equal(42, json["id"]!.GetValue<long>());
        Assert.Equal("reminder-blue", json["kind"]!.GetValue<string>());
        Assert.Equal(Message.Title, json["title"]!.GetValue<string>());
        Assert.Equal(Message.Body, json["body"]!.GetValue<string>());
        Assert.Equal(Message.Link, json["link"]!.GetValue<string>());
        Assert.Equal(7, json["proposalId"]!.GetValue<long>());
        Assert.Equal("2026-03-02T01:00:00.000Z", json["createdAt"]!.GetValue<string>());
        var timestamp = request.Headers["X-Proposals-Timestamp"];
        Assert.Equal(Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), timestamp);
        var expected = "sha256=" + Convert.ToHexStringLower(new HMACSHA256(Encoding.UTF8.GetBytes("oa-secret")).ComputeHash(Encoding.UTF8.GetBytes(timestamp + ".").Concat(request.Body).ToArray()));
        Assert.Equal(expected, request.Headers["X-Proposals-Signature"]);
    }

    [Fact]
    public async Task A_webhook_that_answers_500_or_cannot_be_reached_fails_with_the_reason()
    {
        _web.Answer("/hooks/down", 500, "upstream broken");
        using var services = Services();
        var down = new ChannelSettings { Name = "oa", Type = "webhook", Url = $"{_web.Url}/hooks/down" };
        var error = await Assert.ThrowsAsync<ChannelDeliveryException>(() => Channel(services, "webhook").SendAsync(down, Message, CancellationToken.None));
        Assert.Contains("HTTP 500", error.Message, StringComparison.Ordinal);

        var closed = new ChannelSettings { Name = "oa", Type = "webhook", Url = $"http://127.0.0.1:{SmtpListener.ClosedPort()}/hooks" };
        await Assert.ThrowsAsync<ChannelDeliveryException>(() => Channel(services, "webhook").SendAsync(closed, Message, CancellationToken.None));
    }

    [Fact]
    public async Task Smtp_readiness_is_healthy_without_email_or_with_a_server_and_degraded_when_it_cannot_be_reached()
    {
        static async Task<HealthCheckResult> CheckAsync(ServiceProvider services) =>
            await new SmtpHealthCheck(services.GetRequiredService<IOptionsMonitor<NotificationOptions>>(), services.GetRequiredService<TimeProvider>()).CheckHealthAsync(new HealthCheckContext());
        const string email = "Notifications:Channels:0";

        using var none = Services();
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(none)).Status);
        using var up = Services(($"{email}:Name", "mail"), ($"{email}:Type", "email"), ($"{email}:To:0", "a@city.example"));
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(up)).Status);
        var port = SmtpListener.ClosedPort();
        using var down = Services(($"{email}:Name", "mail"), ($"{email}:Type", "email"), ($"{email}:To:0", "a@city.example"), ("Notifications:Smtp:Port", port.ToString(CultureInfo.InvariantCulture)));
        var result = await CheckAsync(down);
        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains($"127.0.0.1:{port}", result.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Type", "sms", "Notifications:Channels:0:Type 'sms' is not a channel type")]
    [InlineData("Url", "/relative/path", "Notifications:Channels:0:Url '/relative/path' is not an absolute http or https address")]
    [InlineData("Url", "ftp://robot.example/x", "Notifications:Channels:0:Url 'ftp://robot.example/x' is not an absolute http or https address")]
    [InlineData("OrganizationKind", "ministry", "Notifications:Channels:0:OrganizationKind 'ministry' is not a kind of organisation")]
    [InlineData("Name", "", "Notifications:Channels:0:Name is missing")]
    public void A_bad_webhook_channel_is_named_by_its_key(string field, string value, string expected)
    {
        var channel = new ChannelSettings { Name = "robot", Type = "wecom", Url = "https://qyapi.example/send?key=k" };
        typeof(ChannelSettings).GetProperty(field)!.SetValue(channel, value);
        Assert.Contains(NotificationOptionsValidation.Problems(new NotificationOptions { Channels = [channel] }), p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Bad_email_channels_delivery_and_smtp_settings_are_each_reported()
    {
        var options = new NotificationOptions
        {
            Delivery = new DeliveryOptions { MaxAttempts = 0, BatchSize = 5000, SendTimeout = TimeSpan.Zero },
            Smtp = new SmtpOptions { Port = 70000 },
            Channels =
            [
                new ChannelSettings { Name = "mail", Type = "email", To = ["not an address"] },
                new ChannelSettings { Name = "mail", Type = "email" },
            ],
        };

        var problems = NotificationOptionsValidation.Problems(options);

        Assert.Contains("Notifications:Delivery:MaxAttempts is 0; it must be at least 1.", problems);
        Assert.Contains("Notifications:Delivery:BatchSize is 5000; it must be between 1 and 1000.", problems);
        Assert.Contains(problems, p => p.StartsWith("Notifications:Delivery:SendTimeout is 00:00:00", StringComparison.Ordinal));
        Assert.Contains("Notifications:Smtp:Port is 70000; it must be between 1 and 65535.", problems);
        Assert.Contains("Notifications:Channels:0:To:0 'not an address' is not an email address.", problems);
        Assert.Contains(problems, p => p.StartsWith("Notifications:Channels:0 sends email, but Notifications:Smtp:Host", StringComparison.Ordinal));
        Assert.Contains("Notifications:Channels:1:Name 'mail' is used by another channel; names must be unique.", problems);
        Assert.Contains("Notifications:Channels:1:To is empty; an email channel needs at least one address.", problems);
    }

    [Fact]
    public void A_complete_configuration_has_no_problems()
    {
        var options = new NotificationOptions
        {
            Smtp = new SmtpOptions { Host = "smtp.city.example", Port = 587, Security = SmtpSecurity.StartTls, From = "duban@city.example" },
            Channels =
            [
                new ChannelSettings { Name = "dcs-mail", Type = "email", OrganizationKind = "supervision", To = ["dcs@city.example"] },
                new ChannelSettings { Name = "fgj-wecom", Type = "wecom", Organization = "fgj", Url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k" },
                new ChannelSettings { Name = "gov-ding", Type = "dingtalk", OrganizationKind = "government", Url = "https://oapi.dingtalk.com/robot/send?access_token=t", Secret = "SEC1" },
                new ChannelSettings { Name = "oa", Type = "webhook", Url = "https://oa.city.example/hooks", Kinds = ["reminder-red", "digest"] },
            ],
        };
        Assert.Empty(NotificationOptionsValidation.Problems(options));
    }
}
