using Proposals.Engine.Definitions;

namespace Proposals.Host.Tests.Authorization;

/// <summary>The status an action request should get, with the reason in words for the failure message.</summary>
public sealed record ExpectedAnswer(int Status, string Reason)
{
    public bool Succeeds => Status == 200;

    public override string ToString() => $"{Status} ({Reason})";

    /// <summary>The states of proposal-chain before `submit`: the item is still its party's alone.</summary>
    public static readonly IReadOnlySet<string> BeforeSubmit = new HashSet<string>(StringComparer.Ordinal) { "draft", "party-review" };

    /// <summary>
    /// Whether the item is the actor's to see at all (process.md: everyone sees only what belongs to them; a draft
    /// belongs to its party until it is submitted, whoever else asks).
    /// </summary>
    public static bool MaySee(MatrixActor actor, string party, IReadOnlyList<string> assigned, string state) => actor.OrganizationKind switch
    {
        "party" => actor.OrganizationCode == party,
        "department" => assigned.Contains(actor.OrganizationCode),
        _ => !BeforeSubmit.Contains(state),
    };

    /// <summary>
    /// Worked out from the definition alone, in the order the API answers: an item the actor may not see is not
    /// found; an action the state does not offer is not allowed now; a role or organisation it is not meant for is
    /// forbidden; an authorised action whose guard fails is not allowed now; anything else succeeds.
    /// </summary>
    public static ExpectedAnswer For(WorkflowDefinition definition, ActionDefinition action, ItemPosition position, MatrixActor actor)
    {
        if (!MaySee(actor, ItemPosition.Party, position.Assigned, position.State))
        {
            return new(404, "may not see the item");
        }
        if (!definition.IsAvailableIn(action, position.State))
        {
            return new(422, $"not offered in {position.State}");
        }
        var roles = action.RolesIn is not null && action.RolesIn.TryGetValue(position.State, out var narrower) ? narrower : action.Roles;
        if (!roles.Any(actor.Roles.Contains))
        {
            return new(403, $"needs role {string.Join("/", roles)} in {position.State}");
        }
        if (!ScopeHolds(action.Scope, position, actor.OrganizationCode))
        {
            return new(403, $"scope {action.Scope} does not hold");
        }
        if (action.Guards.FirstOrDefault(g => !GuardHolds(g, position, actor.OrganizationCode)) is { } failing)
        {
            return new(422, $"guard {failing} fails");
        }
        return new(200, "authorised");
    }

    private static bool ScopeHolds(string scope, ItemPosition position, string organization) => scope switch
    {
        Scopes.Any => true,
        Scopes.OwnParty => organization == ItemPosition.Party,
        Scopes.AssignedDepartment => position.Assigned.Contains(organization),
        Scopes.LeadDepartment => position.LeadDepartment == organization,
        Scopes.CoDepartment => position.CoDepartmentsNow.Contains(organization),
        // No item of the matrix has been offered to another party to co-sign.
        Scopes.InvitedParty or Scopes.CosigningParty => false,
        _ => throw new InvalidOperationException($"The matrix does not know scope '{scope}'; teach ExpectedAnswer what it means."),
    };

    private static bool GuardHolds(string guard, ItemPosition position, string organization) => guard switch
    {
        Guards.ActorNotSigned => position.Assigned.Contains(organization) && !position.SignedBy.Contains(organization),
        Guards.ActorSigned => position.SignedBy.Contains(organization),
        Guards.ActorOpinionNotGiven => !position.OpinionsGiven.Contains(organization),
        Guards.AllSigned => position.Assigned.All(position.SignedBy.Contains),
        Guards.AllOpinionsGiven => position.CoDepartmentsNow.All(position.OpinionsGiven.Contains),
        Guards.ExtensionPending => position.ExtensionPending,
        Guards.NoExtensionPending => !position.ExtensionPending,
        Guards.KeyFlagged => position.KeyFlagged,
        Guards.NotKeyFlagged => !position.KeyFlagged,
        Guards.NoOpenInvitation or Guards.ActorNotEvaluatedAsCosigner => true,
        Guards.ContactRecorded => position.ContactRecorded,
        // Every item of the matrix is in its first round.
        Guards.LaterRound => false,
        Guards.ActorHasOpenCommitment => position.OpenCommitmentBy == organization,
        Guards.OpenMilestone => position.OpenMilestone,
        _ => throw new InvalidOperationException($"The matrix does not know guard '{guard}'; teach ExpectedAnswer what it means."),
    };
}
