using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Proposals.Host.Notifications;

/// <summary>Email over SMTP (MailKit): one message per notification to the channel's addresses.</summary>
internal sealed class EmailChannel(IOptionsMonitor<NotificationOptions> options) : INotificationChannel
{
    public string Type => ChannelTypes.Email;

    public async Task SendAsync(ChannelSettings channel, ChannelMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(message);
        var settings = options.CurrentValue;
        var smtp = settings.Smtp;
        var mail = new MimeMessage();
        mail.From.Add(new MailboxAddress(smtp.FromName, smtp.From ?? throw new ChannelDeliveryException("Notifications:Smtp:From is not set")));
        foreach (var address in channel.To)
        {
            mail.To.Add(MailboxAddress.Parse(address));
        }
        mail.Subject = message.Title;
        // Stable across retries of this delivery, so a mail system that receives it twice can tell it is the same message.
        mail.MessageId = $"delivery-{message.DeliveryId.ToString(System.Globalization.CultureInfo.InvariantCulture)}@{smtp.MessageIdHost ?? SmtpOptions.DefaultMessageIdHost}";
        var text = message.Link is null ? message.Body : $"{message.Body}\n\n查看详情：{message.Link}";
        mail.Body = new TextPart("plain") { Text = text + "\n\n——本邮件由提案办理督办系统自动发送，请勿直接回复。" };
        await SendAsync(smtp, settings.Delivery.SendTimeout, client => client.SendAsync(mail, cancellationToken), cancellationToken);
    }

    /// <summary>Connects, authenticates when configured, runs <paramref name="work"/> and disconnects; any failure becomes a readable <see cref="ChannelDeliveryException"/>.</summary>
    internal static async Task SendAsync(SmtpOptions smtp, TimeSpan timeout, Func<SmtpClient, Task> work, CancellationToken cancellationToken)
    {
        using var client = new SmtpClient { Timeout = (int)Math.Min(int.MaxValue, timeout.TotalMilliseconds) };
        try
        {
            await client.ConnectAsync(smtp.Host ?? throw new ChannelDeliveryException("Notifications:Smtp:Host is not set"), smtp.Port, Security(smtp.Security), cancellationToken);
            if (!string.IsNullOrEmpty(smtp.Username))
            {
                await client.AuthenticateAsync(smtp.Username, smtp.Password ?? "", cancellationToken);
            }
            await work(client);
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ProtocolException or CommandException or SslHandshakeException or AuthenticationException or TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // The message names the server, never the credentials.
            throw new ChannelDeliveryException($"SMTP server {smtp.Host}:{smtp.Port}: {ex.GetType().Name}: {ex.Message}", ex);
        }
    }

    private static SecureSocketOptions Security(SmtpSecurity security) => security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.StartTlsWhenAvailable => SecureSocketOptions.StartTlsWhenAvailable,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };
}
