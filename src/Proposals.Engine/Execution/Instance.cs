using System.Text.Json.Serialization;

namespace Proposals.Engine.Execution;

/// <summary>What an organisation is in the chain.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OrganizationKind>))]
public enum OrganizationKind
{
    Committee,
    Party,
    Government,
    Department,
    Supervision,
    System,
}

/// <summary>An organisation as the engine needs it: to check ids in data, name it in messages and find its time zone.</summary>
public sealed record OrganizationInfo(long Id, string Code, string Name, OrganizationKind Kind, string TimeZone, bool Active);

/// <summary>The person acting, with the organisation they act for.</summary>
public sealed record Actor(long UserId, string UserName, string DisplayName, long OrganizationId, IReadOnlySet<string> Roles)
{
    public bool HasAnyRole(IEnumerable<string> roles) => roles.Any(Roles.Contains);
}

/// <summary>A department's part in an adopted item: lead (主办) or co-department (协办).</summary>
public sealed record Assignment(
    long OrganizationId,
    bool IsLead,
    DateTimeOffset AssignedAt,
    DateTimeOffset? SignedAt = null,
    DateTimeOffset? OpinionAt = null,
    DateTimeOffset? EndedAt = null,
    string? EndReason = null)
{
    public bool IsActive => EndedAt is null;
}

/// <summary>An extension the lead department asked for and the government has not yet answered.</summary>
public sealed record ExtensionRequest(DateOnly NewDueDate, string Reason, DateTimeOffset RequestedAt);

/// <summary>Where a party stands on another party's proposal it was invited to co-sign (联名).</summary>
public static class CosignStatus
{
    public const string Invited = "invited";
    public const string Accepted = "accepted";
    public const string Declined = "declined";
}

/// <summary>A party invited to co-sign, with its answer and, once it has rated a reply, the round it rated.</summary>
public sealed record Cosigner(
    long OrganizationId,
    string Status,
    DateTimeOffset InvitedAt,
    DateTimeOffset? AnsweredAt = null,
    int? EvaluatedRound = null,
    string? Rating = null)
{
    public bool IsOpen => Status == CosignStatus.Invited;

    public bool IsAccepted => Status == CosignStatus.Accepted;
}

/// <summary>A topic as a revision that moves a draft onto it needs it: whose it is, whether it is still open, its deadline.</summary>
public sealed record TopicInfo(long Id, string Title, int Year, DateOnly ResearchDeadline, bool Closed, IReadOnlyList<long> PartyIds);

/// <summary>A task that is open now, as stored; <see cref="Subject"/> is the milestone or commitment number it is about.</summary>
public sealed record OpenTask(long Id, string TaskId, long OrganizationId, DateOnly? DueDate, DateTimeOffset OpenedAt, int? Subject = null);

/// <summary>A dated step of the lead department's plan (办理方案); numbered on across the item's plans.</summary>
public sealed record Milestone(
    int Number,
    int PlanVersion,
    string Title,
    DateOnly DueDate,
    DateTimeOffset? CompletedAt = null,
    DateTimeOffset? CancelledAt = null)
{
    public bool IsOpen => CompletedAt is null && CancelledAt is null;
}

/// <summary>What a B-class reply promised: a solution by a date, owed by the department that replied, after the item closes too.</summary>
public sealed record Commitment(
    int Number,
    int Round,
    long OrganizationId,
    string Text,
    DateOnly DueDate,
    DateTimeOffset MadeAt,
    DateTimeOffset? FulfilledAt = null,
    string? FulfilmentText = null)
{
    public bool IsOpen => FulfilledAt is null;
}

/// <summary>A proposal as the engine sees it: everything that decides what may happen next.</summary>
public sealed record ProposalInstance
{
    public long Id { get; init; }
    public required string WorkflowId { get; init; }
    public required int WorkflowVersion { get; init; }
    public required string State { get; init; }
    public int Version { get; init; }
    public required long PartyId { get; init; }
    public long? TopicId { get; init; }
    public DateOnly? TopicDeadline { get; init; }
    public required string Title { get; init; }
    public string Summary { get; init; } = "";
    public string Body { get; init; } = "";

    /// <summary>The number of the text's current revision; the first text is revision 1.</summary>
    public int Revision { get; init; } = 1;

    public int Round { get; init; } = 1;
    public bool KeySupervision { get; init; }
    public DateOnly? ItemDueDate { get; init; }
    public ExtensionRequest? PendingExtension { get; init; }
    public IReadOnlyList<Assignment> Assignments { get; init; } = [];
    public IReadOnlyList<OpenTask> OpenTasks { get; init; } = [];
    public IReadOnlyList<Cosigner> Cosigners { get; init; } = [];

    /// <summary>How many plans the lead department has recorded; 0 before the first.</summary>
    public int PlanVersion { get; init; }
    public string? PlanText { get; init; }

    /// <summary>Every milestone of every plan; those of earlier plans that were not completed are cancelled.</summary>
    public IReadOnlyList<Milestone> Milestones { get; init; } = [];

    /// <summary>The last percentage the lead department recorded, if any.</summary>
    public int? RecordedPercent { get; init; }

    /// <summary>The round in which the lead department last recorded its contact with the party.</summary>
    public int? ContactRound { get; init; }

    public IReadOnlyList<Commitment> Commitments { get; init; } = [];

    /// <summary>The milestones of the plan in force.</summary>
    public IEnumerable<Milestone> CurrentMilestones => Milestones.Where(m => m.PlanVersion == PlanVersion && PlanVersion > 0);

    /// <summary>The progress shown on the item: the last percentage recorded, else the share of the plan's milestones completed.</summary>
    public int? ProgressPercent
    {
        get
        {
            if (RecordedPercent is { } recorded)
            {
                return recorded;
            }
            var current = CurrentMilestones.ToList();
            return current.Count == 0 ? null : current.Count(m => m.CompletedAt is not null) * 100 / current.Count;
        }
    }

    public IEnumerable<Assignment> ActiveAssignments => Assignments.Where(a => a.IsActive);

    public Assignment? Lead => Assignments.FirstOrDefault(a => a.IsActive && a.IsLead);

    /// <summary>The party's invitation to co-sign, whatever its answer, or null.</summary>
    public Cosigner? CosignerOf(long organizationId) => Cosigners.FirstOrDefault(c => c.OrganizationId == organizationId);

    /// <summary>The parties whose item it is: the proposing party and those that accepted to co-sign.</summary>
    public IEnumerable<long> Parties => Cosigners.Where(c => c.IsAccepted).Select(c => c.OrganizationId).Prepend(PartyId);

    /// <summary>The active assignment of an organisation, or null.</summary>
    public Assignment? ActiveAssignmentOf(long organizationId) =>
        Assignments.FirstOrDefault(a => a.IsActive && a.OrganizationId == organizationId);
}
