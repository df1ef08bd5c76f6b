using MimeKit;

namespace Proposals.Host.Notifications;

/// <summary>What is wrong with the <c>Notifications</c> settings, one sentence per problem naming the key to fix.</summary>
internal static class NotificationOptionsValidation
{
    private static readonly string[] OrganizationKinds = ["committee", "party", "government", "department", "supervision"];

    public static IReadOnlyList<string> Problems(NotificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string section = NotificationOptions.Section;
        var problems = new List<string>();
        var delivery = options.Delivery;
        if (delivery.MaxAttempts < 1)
        {
            problems.Add($"{section}:Delivery:MaxAttempts is {delivery.MaxAttempts}; it must be at least 1.");
        }
        if (delivery.BatchSize is < 1 or > 1000)
        {
            problems.Add($"{section}:Delivery:BatchSize is {delivery.BatchSize}; it must be between 1 and 1000.");
        }
        foreach (var (name, value) in new[] { ("FirstRetryDelay", delivery.FirstRetryDelay), ("MaxRetryDelay", delivery.MaxRetryDelay), ("SendTimeout", delivery.SendTimeout) })
        {
            if (value <= TimeSpan.Zero)
            {
                problems.Add($"{section}:Delivery:{name} is {value}; it must be a positive time span such as 00:01:00.");
            }
        }
        if (options.Smtp.Port is < 1 or > 65535)
        {
            problems.Add($"{section}:Smtp:Port is {options.Smtp.Port}; it must be between 1 and 65535.");
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Channels.Count; i++)
        {
            var channel = options.Channels[i];
            var key = $"{section}:Channels:{i}";
            if (string.IsNullOrWhiteSpace(channel.Name))
            {
                problems.Add($"{key}:Name is missing; every channel needs a unique name.");
            }
            else if (!names.Add(channel.Name))
            {
                problems.Add($"{key}:Name '{channel.Name}' is used by another channel; names must be unique.");
            }
            if (channel.OrganizationKind is { } kind && !OrganizationKinds.Contains(kind, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add($"{key}:OrganizationKind '{kind}' is not a kind of organisation; the kinds are {string.Join(", ", OrganizationKinds)}.");
            }
            switch (channel.Type)
            {
                case ChannelTypes.Email:
                    if (channel.To.Count == 0)
                    {
                        problems.Add($"{key}:To is empty; an email channel needs at least one address.");
                    }
                    for (var j = 0; j < channel.To.Count; j++)
                    {
                        if (!MailboxAddress.TryParse(channel.To[j], out var address) || !address.Address.Contains('@', StringComparison.Ordinal))
                        {
                            problems.Add($"{key}:To:{j} '{channel.To[j]}' is not an email address.");
                        }
                    }
                    if (string.IsNullOrWhiteSpace(options.Smtp.Host) || string.IsNullOrWhiteSpace(options.Smtp.From))
                    {
                        problems.Add($"{key} sends email, but {section}:Smtp:Host and {section}:Smtp:From must both be set.");
                    }
                    else if (!MailboxAddress.TryParse(options.Smtp.From, out var from) || !from.Address.Contains('@', StringComparison.Ordinal))
                    {
                        problems.Add($"{section}:Smtp:From '{options.Smtp.From}' is not an email address.");
                    }
                    if (options.Smtp.MessageIdHost is { } idHost && Uri.CheckHostName(idHost) is not (UriHostNameType.Dns or UriHostNameType.IPv4))
                    {
                        problems.Add($"{section}:Smtp:MessageIdHost '{idHost}' is not a host name (for example duban.city.gov.cn).");
                    }
                    break;
                case ChannelTypes.WeCom or ChannelTypes.DingTalk or ChannelTypes.Webhook:
                    if (!Uri.TryCreate(channel.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
                    {
                        problems.Add($"{key}:Url '{channel.Url}' is not an absolute http or https address.");
                    }
                    break;
                default:
                    problems.Add($"{key}:Type '{channel.Type}' is not a channel type; the types are {string.Join(", ", ChannelTypes.All)} (in-app notifications need no channel).");
                    break;
            }
        }
        return problems;
    }
}
