using System.Diagnostics.Metrics;
using System.Net;
using Proposals.Data.Monitoring;
using Proposals.Engine.Execution;

namespace Proposals.Host.Monitoring;

/// <summary>
/// The service's own measurements, beside the request rate and latency by route that ASP.NET Core measures: actions
/// applied and refused by action id, database failures by kind, and the queues (reminders due, late and sent,
/// deliveries pending and dead by channel), read from the database at most every <see cref="QueueRefresh"/>.
/// </summary>
internal sealed class ProposalsMetrics
{
    public const string MeterName = "Proposals";
    public static readonly TimeSpan QueueRefresh = TimeSpan.FromSeconds(15);

    // A reminder still unsent this long after it came due means no dispatcher is keeping up.
    public static readonly TimeSpan LateAfter = TimeSpan.FromMinutes(5);

    private readonly Counter<long> _actions;
    private readonly Counter<long> _databaseErrors;
    private readonly MonitoringStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<ProposalsMetrics> _logger;
    private readonly Lock _gate = new();
    private QueueFigures _queues = new(0, 0, 0, 0, []);
    private readonly Calendar.CalendarCoverage _coverage;
    private int _missingCalendarYears;
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;

    public ProposalsMetrics(IMeterFactory meters, MonitoringStore store, Calendar.CalendarCoverage coverage, TimeProvider time, ILogger<ProposalsMetrics> logger)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _store = store;
        _coverage = coverage;
        _time = time;
        _logger = logger;
        var meter = meters.Create(MeterName);
        _actions = meter.CreateCounter<long>("proposals.actions", description: "Actions requested of the engine, by action id and outcome (applied, refused, forbidden, invalid, conflict).");
        _databaseErrors = meter.CreateCounter<long>("proposals.database.errors", description: "Requests that met the database unavailable, by kind.");
        meter.CreateObservableGauge("proposals.reminders.due", () => Queues().RemindersDue, description: "Reminders come due and not yet sent.");
        meter.CreateObservableGauge("proposals.reminders.late", () => Queues().RemindersLate, description: "Reminders still unsent five minutes after they came due.");
        meter.CreateObservableCounter("proposals.reminders.sent", () => Queues().RemindersSent, description: "Reminders sent, by every host together.");
        meter.CreateObservableGauge("proposals.reminders.dead", () => Queues().RemindersDead, description: "Reminders dead-lettered after too many failed attempts.");
        meter.CreateObservableGauge("proposals.calendar.missing_years", () => { Queues(); return _missingCalendarYears; },
            description: "Years the working-day calendar is needed for (this one; from 1 November the next too) with no days loaded.");
        meter.CreateObservableGauge("proposals.deliveries", () => Queues().Deliveries.Select(d =>
            new Measurement<long>(d.Count, new KeyValuePair<string, object?>("channel", d.Channel), new KeyValuePair<string, object?>("status", d.Status))),
            description: "External deliveries by channel and status (pending, sent, dead).");
    }

    public void ActionApplied(string actionId) => _actions.Add(1, Tag("action", actionId), Tag("outcome", "applied"));

    public void ActionRefused(string actionId, RefusalKind kind) =>
        _actions.Add(1, Tag("action", actionId), Tag("outcome", kind switch
        {
            RefusalKind.Forbidden => "forbidden",
            RefusalKind.InvalidData => "invalid",
            _ => "refused",
        }));

    public void ActionConflicted(string actionId) => _actions.Add(1, Tag("action", actionId), Tag("outcome", "conflict"));

    public void DatabaseUnavailable(string kind) => _databaseErrors.Add(1, Tag("kind", kind));

    private static KeyValuePair<string, object?> Tag(string name, string value) => new(name, value);

    // A scrape reads the queues at most every QueueRefresh; a database that cannot be read leaves the last figures.
    private QueueFigures Queues()
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (now - _readAt < QueueRefresh)
            {
                return _queues;
            }
            _readAt = now;
        }
        try
        {
            var figures = _store.QueuesAsync(now, LateAfter, CancellationToken.None).GetAwaiter().GetResult();
            var missing = _coverage.CheckAsync(CancellationToken.None).GetAwaiter().GetResult().Missing.Count;
            lock (_gate)
            {
                _queues = figures;
                _missingCalendarYears = missing;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _logger.LogWarning(ex, "The queue figures could not be read for the metrics");
        }
        lock (_gate)
        {
            return _queues;
        }
    }
}

/// <summary>Keeps <c>/metrics</c> to those <see cref="MetricsAccess"/> allows.</summary>
internal static class MetricsAccessMiddleware
{
    public static IApplicationBuilder UseMetricsAccess(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var networks = MetricsAccess.Networks(app.ApplicationServices.GetRequiredService<IConfiguration>()).Networks;
        // The instruments that read the queues exist from the start, not from the first action.
        app.ApplicationServices.GetRequiredService<ProposalsMetrics>();
        return app.Use(async (http, next) =>
        {
            if (http.Request.Path.StartsWithSegments(MetricsAccess.Path) && !MetricsAccess.Allowed(http, networks))
            {
                var signedIn = http.User.Identity?.IsAuthenticated == true;
                await Results.Problem(
                    title: signedIn ? "无权操作" : "未登录或凭据无效",
                    detail: "运行指标只对系统管理员、本机和 Monitoring:ScrapeNetworks 中的监控地址开放",
                    statusCode: signedIn ? StatusCodes.Status403Forbidden : StatusCodes.Status401Unauthorized).ExecuteAsync(http);
                return;
            }
            await next(http);
        });
    }
}

/// <summary>
/// Who may read <c>/metrics</c>: an administrator, a scraper on this machine, or one in a network named in
/// <c>Monitoring:ScrapeNetworks</c> (CIDR, comma-separated); everybody else is told no, the figures name channels and load.
/// </summary>
internal static class MetricsAccess
{
    public const string Path = "/metrics";

    public static bool Allowed(HttpContext http, IReadOnlyList<IPNetwork> networks)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(networks);
        if (http.User.IsInRole(Engine.Definitions.Roles.Admin))
        {
            return true;
        }
        if (http.Connection.RemoteIpAddress is not { } address)
        {
            return false;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        return IPAddress.IsLoopback(address) || networks.Any(n => n.Contains(address));
    }

    /// <summary>The configured networks, or the reason the setting is wrong (checked at start).</summary>
    public static (IReadOnlyList<IPNetwork> Networks, string? Problem) Networks(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var networks = new List<IPNetwork>();
        foreach (var part in (configuration["Monitoring:ScrapeNetworks"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!IPNetwork.TryParse(part, out var network))
            {
                return ([], $"Monitoring:ScrapeNetworks: '{part}' is not a network in CIDR notation (for example 10.0.0.0/24)");
            }
            networks.Add(network);
        }
        return (networks, null);
    }
}
