using Proposals.Data.Calendar;
using Proposals.Data.Organizations;
using Proposals.Engine.Execution;

namespace Proposals.Host.Proposals;

/// <summary>Reads what the engine needs from the database at the moment of an action: organisations, calendar and the time.</summary>
internal sealed class EngineContextFactory(OrganizationStore organizations, CalendarStore calendar, TimeProvider time, IConfiguration configuration)
{
    public string TimeZone => configuration["Proposals:TimeZone"] ?? "Asia/Shanghai";

    public async Task<EngineContext> CreateAsync(CancellationToken cancellationToken) =>
        new(time.GetUtcNow(), await calendar.LoadAsync(cancellationToken), await organizations.DirectoryAsync(cancellationToken), TimeZone);
}
