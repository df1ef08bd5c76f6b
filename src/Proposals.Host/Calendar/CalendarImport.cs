using Proposals.Data;
using Proposals.Data.Calendar;
using Proposals.Data.Proposals;
using Proposals.Engine.Calendar;
using Proposals.Engine.Execution;
using Proposals.Host.Proposals;
using Proposals.Host.Workflows;

namespace Proposals.Host.Calendar;

/// <summary>
/// Loads calendar days and counts again the open deadlines that fall in the years they belong to: a deadline counted
/// before its year was loaded took the year's public holidays for working days. Each changed item is written like any
/// transition, in its own transaction under its version check, as the service's own account, with a
/// <c>recompute-deadlines</c> event in its history; items whose deadlines stay are not touched.
/// </summary>
internal sealed class CalendarImport(
    CalendarStore calendar,
    ProposalStore proposals,
    WorkflowCatalog catalog,
    EngineContextFactory contexts,
    SystemAccount system,
    TimeProvider time,
    ILogger<CalendarImport> logger)
{
    private const int Attempts = 3;

    /// <summary>Saves the days, then recomputes; returns how many items had their deadlines moved.</summary>
    public async Task<int> ImportAsync(IReadOnlyList<CalendarDay> days, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(days);
        await calendar.SaveAsync(days, cancellationToken);
        return await RecomputeAsync(days.Select(d => d.Date.Year).ToHashSet(), cancellationToken);
    }

    /// <summary>Recounts the open, not yet overdue deadlines due in <paramref name="years"/>; returns how many items changed.</summary>
    public async Task<int> RecomputeAsync(IReadOnlySet<int> years, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(years);
        if (years.Count == 0)
        {
            return 0;
        }
        var actor = await system.ActorAsync(cancellationToken);
        var ids = await proposals.WithOpenTasksDueBetweenAsync(new DateOnly(years.Min(), 1, 1), new DateOnly(years.Max(), 12, 31), time.GetUtcNow(), cancellationToken);
        var changed = 0;
        foreach (var id in ids)
        {
            if (await RecomputeItemAsync(id, actor, years, cancellationToken))
            {
                changed++;
            }
        }
        if (changed > 0)
        {
            logger.LogInformation("Deadlines of {Count} item(s) were recomputed on the calendar of {Years}", changed, string.Join(", ", years.Order()));
        }
        return changed;
    }

    private async Task<bool> RecomputeItemAsync(long id, Actor actor, IReadOnlySet<int> years, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            if (await proposals.FindAsync(id, Viewer.Service, cancellationToken) is not { } record)
            {
                return false;
            }
            var definition = await catalog.GetAsync(record.Instance.WorkflowId, record.Instance.WorkflowVersion, cancellationToken);
            var context = await contexts.CreateAsync(cancellationToken);
            if (WorkflowEngine.RecomputeDeadlines(definition, record.Instance, actor, context, years) is not { } transition)
            {
                return false;
            }
            if (await proposals.ApplyAsync(definition, transition, null, context.Now, cancellationToken))
            {
                return true;
            }
        }
        // Someone acted on the item each time; their action counted its new tasks on the new calendar anyway.
        logger.LogWarning("Proposal {ProposalId} changed under each of {Attempts} attempts to recompute its deadlines", id, Attempts);
        return false;
    }
}
