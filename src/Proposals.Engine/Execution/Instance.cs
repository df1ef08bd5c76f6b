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

/// <summary>A task that is open now, as stored.</summary>
public sealed record OpenTask(long Id, string TaskId, long OrganizationId, DateOnly? DueDate, DateTimeOffset OpenedAt);

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
    public int Round { get; init; } = 1;
    public bool KeySupervision { get; init; }
    public DateOnly? ItemDueDate { get; init; }
    public ExtensionRequest? PendingExtension { get; init; }
    public IReadOnlyList<Assignment> Assignments { get; init; } = [];
    public IReadOnlyList<OpenTask> OpenTasks { get; init; } = [];

    public IEnumerable<Assignment> ActiveAssignments => Assignments.Where(a => a.IsActive);

    public Assignment? Lead => Assignments.FirstOrDefault(a => a.IsActive && a.IsLead);

    /// <summary>The active assignment of an organisation, or null.</summary>
    public Assignment? ActiveAssignmentOf(long organizationId) =>
        Assignments.FirstOrDefault(a => a.IsActive && a.OrganizationId == organizationId);
}
