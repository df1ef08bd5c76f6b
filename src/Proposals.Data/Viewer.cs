using Proposals.Engine.Execution;

namespace Proposals.Data;

/// <summary>How much a caller may see: everything, their party's items, or the items assigned to their department.</summary>
public enum VisibilityScope
{
    All,
    Party,
    Department,
}

/// <summary>The caller of a query, so that every query can keep to what is theirs.</summary>
public sealed record Viewer(long UserId, long OrganizationId, OrganizationKind OrganizationKind, IReadOnlyList<string> Roles)
{
    /// <summary>The service itself, for work no user asked for (dispatching, verifying): it sees everything.</summary>
    public static Viewer Service { get; } = new(0, 0, OrganizationKind.System, []) { IsService = true };

    /// <summary>What the supervision office may see, for work done on its behalf (its daily digest).</summary>
    public static Viewer SupervisionOffice { get; } = new(0, 0, OrganizationKind.Supervision, []);

    /// <summary>True only for <see cref="Service"/>: the one viewer that also sees what is still its party's alone.</summary>
    public bool IsService { get; private init; }

    public VisibilityScope Scope => OrganizationKind switch
    {
        OrganizationKind.Party => VisibilityScope.Party,
        OrganizationKind.Department => VisibilityScope.Department,
        _ => VisibilityScope.All,
    };

    /// <summary>The WHERE condition that keeps a query on proposals aliased <c>p</c> to what the viewer may see; it reads <c>@ViewerOrganizationId</c>.</summary>
    internal string ProposalFilter => Scope switch
    {
        // A party sees its own items and those it was invited to co-sign, until it declines.
        VisibilityScope.Party => "(p.party_id = @ViewerOrganizationId OR EXISTS (SELECT 1 FROM proposal_cosigners vc WHERE vc.proposal_id = p.id AND vc.organization_id = @ViewerOrganizationId AND vc.status IN ('invited', 'accepted')))",
        // Only a current assignment: a department that returned an item, or was taken off it, no longer sees it.
        VisibilityScope.Department => "EXISTS (SELECT 1 FROM proposal_departments vd WHERE vd.proposal_id = p.id AND vd.organization_id = @ViewerOrganizationId AND vd.ended_at IS NULL)",
        // Until it first leaves its party's hands (shared_at), an item is the party's alone: every other caller,
        // however wide its view, neither lists, counts nor opens it.
        _ when IsService => "1 = 1",
        _ => "p.shared_at IS NOT NULL",
    };
}

/// <summary>A page of results with the total count that matched.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Total, int PageNumber, int PageSize);
