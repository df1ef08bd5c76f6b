using System.Globalization;
using System.Security.Claims;
using Proposals.Data;
using Proposals.Engine.Execution;

namespace Proposals.Host.Auth;

/// <summary>The signed-in user as every handler sees them, read from the claims the authentication handler set.</summary>
internal sealed record Caller(long UserId, string Username, string DisplayName, long OrganizationId, OrganizationKind OrganizationKind, IReadOnlySet<string> Roles)
{
    public const string OrganizationIdClaim = "org_id";
    public const string OrganizationKindClaim = "org_kind";
    public const string DisplayNameClaim = "display_name";

    public Actor Actor => new(UserId, Username, DisplayName, OrganizationId, Roles);

    public Viewer Viewer => new(UserId, OrganizationId, OrganizationKind, Roles.Order(StringComparer.Ordinal).ToList());

    public bool IsIn(params string[] roles) => roles.Any(Roles.Contains);

    public static Caller From(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        string Get(string type) => principal.FindFirstValue(type) ?? throw new InvalidOperationException($"The authenticated principal has no {type} claim.");
        return new Caller(
            long.Parse(Get(ClaimTypes.NameIdentifier), CultureInfo.InvariantCulture),
            Get(ClaimTypes.Name),
            Get(DisplayNameClaim),
            long.Parse(Get(OrganizationIdClaim), CultureInfo.InvariantCulture),
            Enum.Parse<OrganizationKind>(Get(OrganizationKindClaim), ignoreCase: true),
            principal.FindAll(ClaimTypes.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal));
    }

    public static ClaimsIdentity Identity(long userId, string username, string displayName, long organizationId, OrganizationKind kind, IEnumerable<string> roles, string scheme)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, userId.ToString(CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, username),
            new(DisplayNameClaim, displayName),
            new(OrganizationIdClaim, organizationId.ToString(CultureInfo.InvariantCulture)),
            new(OrganizationKindClaim, kind.ToString()),
        };
        claims.AddRange(roles.Select(r => new Claim(ClaimTypes.Role, r)));
        return new ClaimsIdentity(claims, scheme);
    }
}
