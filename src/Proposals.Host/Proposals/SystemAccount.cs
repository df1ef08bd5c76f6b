using Proposals.Data.Organizations;
using Proposals.Engine.Definitions;
using Proposals.Engine.Execution;

namespace Proposals.Host.Proposals;

/// <summary>
/// The account the service acts as on its own (the red escalation rung flagging an item for key supervision), so
/// that such actions pass through the engine's rules and stand in the item's history like anybody's. It cannot sign
/// in: it is inactive and has no password.
/// </summary>
internal sealed class SystemAccount(OrganizationStore organizations, UserStore users, TimeProvider time)
{
    public const string Username = "system";
    public const string DisplayName = "系统（自动督办）";
    public const string OrganizationCode = "system";

    // What the service may do on its own: the supervision office's flag, nothing else.
    private static readonly IReadOnlySet<string> ActingRoles = new HashSet<string>(StringComparer.Ordinal) { Roles.Supervisor };

    private Actor? _actor;

    public async Task<Actor> ActorAsync(CancellationToken cancellationToken) => _actor ??= await EnsureAsync(cancellationToken);

    public async Task<Actor> EnsureAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var organizationId = await organizations.EnsureAsync(OrganizationCode, "系统管理", OrganizationKind.System, now, cancellationToken);
        var userId = await users.UpsertAsync(Username, DisplayName, organizationId, passwordHash: "", roles: [], now, cancellationToken, active: false);
        return _actor = new Actor(userId, Username, DisplayName, organizationId, ActingRoles);
    }
}
