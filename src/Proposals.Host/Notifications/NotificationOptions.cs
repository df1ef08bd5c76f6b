namespace Proposals.Host.Notifications;

/// <summary>The <c>Notifications</c> section: how the outbox is delivered, the SMTP server, and the channels each organisation is told through.</summary>
internal sealed class NotificationOptions
{
    public const string Section = "Notifications";

    public DeliveryOptions Delivery { get; set; } = new();

    public SmtpOptions Smtp { get; set; } = new();

    public List<ChannelSettings> Channels { get; set; } = [];
}

/// <summary>Retry and batching of outbox delivery.</summary>
internal sealed class DeliveryOptions
{
    /// <summary>Attempts before a delivery is dead-lettered.</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>The wait after the first failure; each later failure doubles it, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    public int BatchSize { get; set; } = 50;

    /// <summary>How long one send may take before it counts as failed; well inside the claim's lease.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>How TLS is used towards the SMTP server.</summary>
internal enum SmtpSecurity
{
    /// <summary>STARTTLS when the server offers it (MailKit's Auto).</summary>
    Auto,
    None,
    StartTls,
    StartTlsWhenAvailable,
    SslOnConnect,
}

/// <summary>The SMTP server email channels send through.</summary>
internal sealed class SmtpOptions
{
    public string? Host { get; set; }

    public int Port { get; set; } = 25;

    public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>The sender address, for example <c>duban@city.gov.cn</c>.</summary>
    public string? From { get; set; }

    public string FromName { get; set; } = "提案办理督办系统";

    public const string DefaultMessageIdHost = "proposals.local";

    /// <summary>The host part of each e-mail's Message-ID (<c>delivery-{id}@host</c>); <see cref="DefaultMessageIdHost"/> when not set.</summary>
    public string? MessageIdHost { get; set; }
}

/// <summary>
/// One configured channel: which notifications it carries (by organisation, organisation kind, role and kind)
/// and where it sends them. In-app delivery needs no channel: every notification is in the inbox of those it names.
/// </summary>
internal sealed class ChannelSettings
{
    /// <summary>A unique name; deliveries remember it, so renaming a channel orphans its pending deliveries.</summary>
    public string Name { get; set; } = "";

    /// <summary>One of <see cref="ChannelTypes.All"/>.</summary>
    public string Type { get; set; } = "";

    /// <summary>The code of the organisation whose notifications this channel carries; null for any.</summary>
    public string? Organization { get; set; }

    /// <summary>The kind of organisation (committee, party, government, department, supervision); null for any.</summary>
    public string? OrganizationKind { get; set; }

    /// <summary>Only notifications addressed to one of these roles (or to no role); empty for all.</summary>
    public List<string> Roles { get; set; } = [];

    /// <summary>Only notifications whose kind starts with one of these (for example <c>reminder-</c>, <c>digest</c>); empty for all.</summary>
    public List<string> Kinds { get; set; } = [];

    /// <summary>Email: the recipients' addresses.</summary>
    public List<string> To { get; set; } = [];

    /// <summary>Webhooks: the robot's or endpoint's address.</summary>
    public string? Url { get; set; }

    /// <summary>DingTalk: the robot's signing secret (SEC…); JSON webhook: the HMAC key. Never logged.</summary>
    public string? Secret { get; set; }
}

/// <summary>The channel types there are.</summary>
internal static class ChannelTypes
{
    public const string Email = "email";
    public const string WeCom = "wecom";
    public const string DingTalk = "dingtalk";
    public const string Webhook = "webhook";

    public static readonly IReadOnlyList<string> All = [Email, WeCom, DingTalk, Webhook];
}
