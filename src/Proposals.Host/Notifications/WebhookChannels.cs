using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Proposals.Host.Notifications;

/// <summary>
/// What the webhook channels share: one POST of a JSON body with a timeout, and a failure that names the host but
/// never the query string (robots carry their access token there) or the secret.
/// </summary>
internal abstract class WebhookChannel(IHttpClientFactory clients, IOptionsMonitor<NotificationOptions> options, TimeProvider time) : INotificationChannel
{
    public const string HttpClientName = "notifications";

    public abstract string Type { get; }

    /// <summary>Chinese text as itself rather than \u escapes: readable in logs, and the robots' limits count bytes.</summary>
    protected static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
    };

    protected TimeProvider Time => time;

    public async Task SendAsync(ChannelSettings channel, ChannelMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(message);
        var body = Payload(message);
        using var request = new HttpRequestMessage(HttpMethod.Post, Address(channel))
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } } },
        };
        // Stable across retries of this delivery: the far end may receive it twice (at least once) and can drop the repeat.
        request.Headers.Add(ChannelMessage.DeliveryIdHeader, message.DeliveryId.ToString(CultureInfo.InvariantCulture));
        Sign(request, channel, body);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.CurrentValue.Delivery.SendTimeout);
        var where = new Uri(channel.Url!).GetLeftPart(UriPartial.Path);
        HttpResponseMessage response;
        string answer;
        try
        {
            response = await clients.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
            answer = await response.Content.ReadAsStringAsync(timeout.Token);
        }
        catch (HttpRequestException ex)
        {
            throw new ChannelDeliveryException($"{Type} {where}: {ex.Message}", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ChannelDeliveryException($"{Type} {where}: no answer within {options.CurrentValue.Delivery.SendTimeout.TotalSeconds:0} s", ex);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new ChannelDeliveryException($"{Type} {where}: HTTP {(int)response.StatusCode} {Shorten(answer)}");
            }
            if (Refusal(answer) is { } refusal)
            {
                throw new ChannelDeliveryException($"{Type} {where}: {refusal}");
            }
        }
    }

    protected abstract byte[] Payload(ChannelMessage message);

    protected virtual Uri Address(ChannelSettings channel) => new(channel.Url!);

    protected virtual void Sign(HttpRequestMessage request, ChannelSettings channel, byte[] body)
    {
    }

    /// <summary>Why the far end refused a message it answered with 2xx, or null when it accepted it.</summary>
    protected virtual string? Refusal(string answer) => null;

    /// <summary>The group robots answer 200 with <c>{"errcode":0}</c> on success and another code on refusal.</summary>
    protected static string? RobotRefusal(string answer)
    {
        try
        {
            var reply = JsonNode.Parse(answer) as JsonObject;
            var code = reply?["errcode"]?.GetValue<int>();
            return code is null or 0 ? null : $"errcode {code}: {reply!["errmsg"]?.GetValue<string>()}";
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return $"unreadable answer {Shorten(answer)}";
        }
    }

    protected static string Markdown(ChannelMessage message) =>
        $"**{message.Title}**\n\n{message.Body}" + (message.Link is null ? "" : $"\n\n[查看详情]({message.Link})");

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";
}

/// <summary>A WeCom (企业微信) group robot: markdown, at most 4096 bytes of content; the key is in the address.</summary>
internal sealed class WeComChannel(IHttpClientFactory clients, IOptionsMonitor<NotificationOptions> options, TimeProvider time)
    : WebhookChannel(clients, options, time)
{
    public const int ContentLimitBytes = 4096;

    public override string Type => ChannelTypes.WeCom;

    protected override byte[] Payload(ChannelMessage message) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        msgtype = "markdown",
        markdown = new { content = FitContent(message) },
    }, PayloadJson);

    protected override string? Refusal(string answer) => RobotRefusal(answer);

    /// <summary>The markdown, with the body cut on a character boundary so the whole fits the robot's limit.</summary>
    internal static string FitContent(ChannelMessage message)
    {
        var full = Markdown(message);
        if (Encoding.UTF8.GetByteCount(full) <= ContentLimitBytes)
        {
            return full;
        }
        const string ellipsis = "…";
        var tail = (message.Link is null ? "" : $"\n\n[查看详情]({message.Link})");
        var head = $"**{message.Title}**\n\n";
        var budget = ContentLimitBytes - Encoding.UTF8.GetByteCount(head + ellipsis + tail);
        var body = new StringBuilder();
        var used = 0;
        foreach (var rune in message.Body.EnumerateRunes())
        {
            if (used + rune.Utf8SequenceLength > budget)
            {
                break;
            }
            body.Append(rune.ToString());
            used += rune.Utf8SequenceLength;
        }
        return head + body + ellipsis + tail;
    }
}

/// <summary>A DingTalk (钉钉) group robot: markdown; with a secret, each request is signed with the time and an HMAC of it.</summary>
internal sealed class DingTalkChannel(IHttpClientFactory clients, IOptionsMonitor<NotificationOptions> options, TimeProvider time)
    : WebhookChannel(clients, options, time)
{
    public override string Type => ChannelTypes.DingTalk;

    protected override byte[] Payload(ChannelMessage message) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        msgtype = "markdown",
        markdown = new { title = message.Title, text = Markdown(message) },
    }, PayloadJson);

    protected override Uri Address(ChannelSettings channel)
    {
        if (string.IsNullOrEmpty(channel.Secret))
        {
            return new Uri(channel.Url!);
        }
        var timestamp = Time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var separator = channel.Url!.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        return new Uri($"{channel.Url}{separator}timestamp={timestamp}&sign={Uri.EscapeDataString(Signature(timestamp, channel.Secret))}");
    }

    /// <summary>DingTalk's signature: Base64 of HMAC-SHA256 over "timestamp\nsecret", keyed with the secret.</summary>
    internal static string Signature(string timestamp, string secret) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}\n{secret}")));

    protected override string? Refusal(string answer) => RobotRefusal(answer);
}

/// <summary>
/// A plain JSON webhook for any other system; with a secret, the receiver can check
/// <c>X-Proposals-Signature: sha256=hex(HMAC-SHA256(secret, timestamp + "." + body))</c> and the timestamp's age.
/// </summary>
internal sealed class JsonWebhookChannel(IHttpClientFactory clients, IOptionsMonitor<NotificationOptions> options, TimeProvider time)
    : WebhookChannel(clients, options, time)
{
    public const string TimestampHeader = "X-Proposals-Timestamp";
    public const string SignatureHeader = "X-Proposals-Signature";

    public override string Type => ChannelTypes.Webhook;

    protected override byte[] Payload(ChannelMessage message) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        id = message.NotificationId,
        kind = message.Kind,
        title = message.Title,
        body = message.Body,
        link = message.Link,
        proposalId = message.ProposalId,
        createdAt = message.CreatedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
    }, PayloadJson);

    protected override void Sign(HttpRequestMessage request, ChannelSettings channel, byte[] body)
    {
        if (string.IsNullOrEmpty(channel.Secret))
        {
            return;
        }
        var timestamp = Time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        request.Headers.Add(TimestampHeader, timestamp);
        request.Headers.Add(SignatureHeader, "sha256=" + Signature(timestamp, body, channel.Secret));
    }

    internal static string Signature(string timestamp, byte[] body, string secret) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + ".").Concat(body).ToArray()));
}
