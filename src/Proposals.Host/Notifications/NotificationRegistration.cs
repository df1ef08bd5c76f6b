namespace Proposals.Host.Notifications;

/// <summary>The channels and their settings, on their own so that they can be built without the whole host.</summary>
internal static class NotificationRegistration
{
    public static IServiceCollection AddNotificationChannels(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<NotificationOptions>(configuration.GetSection(NotificationOptions.Section));
        services.AddHttpClient(WebhookChannel.HttpClientName);
        services.AddSingleton<INotificationChannel, EmailChannel>();
        services.AddSingleton<INotificationChannel, WeComChannel>();
        services.AddSingleton<INotificationChannel, DingTalkChannel>();
        services.AddSingleton<INotificationChannel, JsonWebhookChannel>();
        return services;
    }
}
