using Microsoft.Extensions.Diagnostics.HealthChecks;
using Proposals.Data.Calendar;
using Proposals.Host.Time;

namespace Proposals.Host.Calendar;

/// <summary>The years deadlines are being counted in now, and those of them with no day of the calendar loaded.</summary>
internal sealed record CalendarCoverageReport(IReadOnlyList<int> Needed, IReadOnlyList<int> Missing)
{
    public bool Covered => Missing.Count == 0;

    public string MissingText => string.Join("、", Missing);
}

/// <summary>
/// Whether the working-day calendar covers the years deadlines fall in. A year is covered once any of its days is
/// loaded; one with none silently counts its public holidays as working days. The current year (in the organisations'
/// zone) is always needed, and from 1 November the next one too, when the State Council usually publishes it.
/// </summary>
internal sealed class CalendarCoverage(CalendarStore calendar, ServiceTimeZone zone)
{
    /// <summary>The years that must be loaded on <paramref name="today"/>.</summary>
    public static IReadOnlyList<int> YearsNeeded(DateOnly today) => today.Month >= 11 ? [today.Year, today.Year + 1] : [today.Year];

    public async Task<CalendarCoverageReport> CheckAsync(CancellationToken cancellationToken)
    {
        var loaded = (await calendar.YearsAsync(cancellationToken)).Select(y => y.Year).ToHashSet();
        var needed = YearsNeeded(zone.Today);
        return new CalendarCoverageReport(needed, needed.Where(y => !loaded.Contains(y)).ToList());
    }
}

/// <summary>Readiness of the calendar: degraded while a year deadlines are counted in has no day loaded.</summary>
internal sealed class CalendarCoverageHealthCheck(CalendarCoverage coverage) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var report = await coverage.CheckAsync(cancellationToken);
        var data = new Dictionary<string, object> { ["needed"] = report.Needed.ToArray(), ["missing"] = report.Missing.ToArray() };
        return report.Covered
            ? HealthCheckResult.Healthy($"the working-day calendar covers {string.Join(", ", report.Needed)}", data)
            : HealthCheckResult.Degraded(
                $"no working-day calendar is loaded for {string.Join(", ", report.Missing)}: its public holidays count as working days; import the year's file (import-calendar, POST /api/calendar/import or /admin/calendar)",
                data: data);
    }
}
