using System.Collections.Concurrent;

namespace Proposals.Host.Time;

/// <summary>
/// The organisations' time zone, <c>Proposals:TimeZone</c> (default Asia/Shanghai), read in this one place: deadlines,
/// the pages' times and every "current year" follow it, never the server's clock or the UTC date. An id the machine
/// does not know stops the start (<see cref="Problems"/>), so nothing ever falls back to a guess.
/// </summary>
internal sealed class ServiceTimeZone(IConfiguration configuration, TimeProvider time)
{
    public const string Key = "Proposals:TimeZone";
    public const string Default = "Asia/Shanghai";

    private static readonly ConcurrentDictionary<string, TimeZoneInfo> Zones = new(StringComparer.Ordinal);

    /// <summary>The configured id, or the default when none is set.</summary>
    public static string IdFrom(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration[Key] is { Length: > 0 } id ? id : Default;
    }

    /// <summary>What is wrong with the setting: nothing, or the key and the value the machine does not know.</summary>
    public static IReadOnlyList<string> Problems(IConfiguration configuration)
    {
        var id = IdFrom(configuration);
        return TimeZoneInfo.TryFindSystemTimeZoneById(id, out _)
            ? []
            : [$"{Key} '{id}' is not a time zone this machine knows (use an IANA id such as {Default})."];
    }

    public string Id => IdFrom(configuration);

    public TimeZoneInfo Zone => Zones.GetOrAdd(Id, TimeZoneInfo.FindSystemTimeZoneById);

    /// <summary>The local date now.</summary>
    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), Zone).DateTime);

    /// <summary>The year it is now in the organisations' zone: on 31 December at 17:00 UTC Beijing is already in the next.</summary>
    public int CurrentYear => Today.Year;

    /// <summary>An instant as local wall-clock time.</summary>
    public DateTimeOffset Local(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone);
}
