using Microsoft.Extensions.Logging.Abstractions;
using Proposals.Data;
using Proposals.Data.Attachments;
using Proposals.Data.Calendar;
using Proposals.Data.Organizations;
using Proposals.Data.Proposals;
using Proposals.Data.Workflows;
using Proposals.Engine.Calendar;
using Proposals.Host.Proposals;
using Proposals.Host.Workflows;

namespace Proposals.Host.Calendar;

/// <summary><c>import-calendar file</c> without the web host: the same import and recomputation, over the database alone.</summary>
internal static class CalendarImportCommand
{
    public static Task<int> ImportAsync(Database database, IConfiguration configuration, IReadOnlyList<CalendarDay> days, CancellationToken cancellationToken)
    {
        var time = TimeProvider.System;
        var organizations = new OrganizationStore(database);
        var calendar = new CalendarStore(database);
        var import = new CalendarImport(
            calendar,
            new ProposalStore(database),
            new WorkflowCatalog(new WorkflowStore(database)),
            new EngineContextFactory(organizations, calendar, new AttachmentStore(database), time, configuration),
            new SystemAccount(organizations, new UserStore(database), time),
            time,
            NullLogger<CalendarImport>.Instance);
        return import.ImportAsync(days, cancellationToken);
    }
}
