using System.Text.Json.Nodes;
using Proposals.Data.Attachments;
using Proposals.Data.Calendar;
using Proposals.Data.Organizations;
using Proposals.Engine.Execution;

namespace Proposals.Host.Proposals;

/// <summary>Reads what the engine needs from the database at the moment of an action: organisations, calendar and the time.</summary>
internal sealed class EngineContextFactory(OrganizationStore organizations, CalendarStore calendar, AttachmentStore attachments, TimeProvider time, IConfiguration configuration)
{
    public string TimeZone => Time.ServiceTimeZone.IdFrom(configuration);

    public async Task<EngineContext> CreateAsync(CancellationToken cancellationToken) =>
        new(time.GetUtcNow(), await calendar.LoadAsync(cancellationToken), await organizations.DirectoryAsync(cancellationToken), TimeZone);

    /// <summary>
    /// When an action's data names files (attachmentIds), gives the engine those of them that belong to the item, so that
    /// it can judge them; ids it is not given are not the item's, and are refused.
    /// </summary>
    public async Task AddAttachmentsAsync(EngineContext context, long proposalId, JsonObject? data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (data?["attachmentIds"] is not JsonArray array)
        {
            return;
        }
        var ids = array.OfType<JsonValue>()
            .Select(v => v.TryGetValue<long>(out var id) ? id : 0)
            .Where(id => id > 0).Distinct().Take(100).ToList();
        var found = await attachments.FindManyAsync(ids, cancellationToken);
        context.Attachments = found.Where(a => a.ProposalId == proposalId)
            .Select(a => new AttachmentInfo(a.Id, a.FileName, a.Size, a.Sha256, a.OrganizationId, a.Bound)).ToList();
    }
}
