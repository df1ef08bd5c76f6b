using System.Collections.Concurrent;
using Proposals.Engine.Calendar;

namespace Proposals.Engine.Execution;

/// <summary>What the engine reads besides the item: the time, the working-day calendar and the organisations.</summary>
public sealed class EngineContext
{
    private static readonly ConcurrentDictionary<string, TimeZoneInfo> Zones = new(StringComparer.Ordinal);

    public EngineContext(DateTimeOffset now, WorkingCalendar calendar, IReadOnlyDictionary<long, OrganizationInfo> organizations, string defaultTimeZone = "Asia/Shanghai")
    {
        Now = now;
        Calendar = calendar;
        Organizations = organizations;
        DefaultTimeZone = defaultTimeZone;
    }

    public DateTimeOffset Now { get; }
    public WorkingCalendar Calendar { get; }
    public IReadOnlyDictionary<long, OrganizationInfo> Organizations { get; }
    public string DefaultTimeZone { get; }

    /// <summary>The topics an action's data names, read by the host beforehand; empty unless an action moves a draft onto a topic.</summary>
    public IReadOnlyDictionary<long, TopicInfo> Topics { get; private init; } = new Dictionary<long, TopicInfo>();

    /// <summary>The same moment and directories, knowing these topics as well.</summary>
    public EngineContext WithTopics(IEnumerable<TopicInfo> topics) =>
        new(Now, Calendar, Organizations, DefaultTimeZone) { Topics = topics.ToDictionary(t => t.Id), Attachments = Attachments };

    /// <summary>The item's files, read only when an action's data names some (attachmentIds).</summary>
    public IReadOnlyList<AttachmentInfo> Attachments { get; set; } = [];

    /// <summary>The clock deadlines of this organisation are counted on.</summary>
    public DeadlineClock ClockFor(long? organizationId)
    {
        var zoneId = organizationId is { } id && Organizations.TryGetValue(id, out var org) && !string.IsNullOrEmpty(org.TimeZone)
            ? org.TimeZone
            : DefaultTimeZone;
        return new DeadlineClock(Calendar, FindZone(zoneId));
    }

    /// <summary>A time zone by IANA id; an unknown id falls back to China Standard Time, which the host validated at start.</summary>
    public static TimeZoneInfo FindZone(string id) => Zones.GetOrAdd(id, static key =>
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(key);
        }
        catch (TimeZoneNotFoundException)
        {
            return TimeZoneInfo.CreateCustomTimeZone("UTC+08", TimeSpan.FromHours(8), "UTC+08", "UTC+08");
        }
    });

    public string NameOf(long organizationId) =>
        Organizations.TryGetValue(organizationId, out var org) ? org.Name : $"#{organizationId}";

    /// <summary>The organisations of a kind, active ones only.</summary>
    public IEnumerable<OrganizationInfo> OfKind(OrganizationKind kind) =>
        Organizations.Values.Where(o => o.Kind == kind && o.Active).OrderBy(o => o.Id);
}
