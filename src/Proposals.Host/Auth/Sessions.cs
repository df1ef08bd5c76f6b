using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Proposals.Data.Organizations;

namespace Proposals.Host.Auth;

/// <summary>A signed-in user, with the opaque token that stands for the session.</summary>
internal sealed record Session(UserAccount User, Organization Organization, IssuedToken Token);

/// <summary>
/// Signing in and recognising a session, the same for API clients (a bearer token) and people in a browser (the
/// same token in a cookie): a token is checked in the database on every request, so revoking it, deactivating the
/// user or their organisation takes effect at once on every host.
/// </summary>
internal sealed class Sessions(UserStore users, OrganizationStore organizations, IPasswordHasher<UserAccount> hasher, TimeProvider time, IConfiguration configuration)
{
    /// <summary>The session for a name and password, or null when either is wrong or the account is inactive.</summary>
    public async Task<Session?> SignInAsync(string username, string password, CancellationToken cancellationToken)
    {
        var user = await users.FindByNameAsync(username.Trim(), cancellationToken);
        if (user is null || !user.Active || user.PasswordHash.Length == 0 || hasher.VerifyHashedPassword(user, user.PasswordHash, password) == PasswordVerificationResult.Failed)
        {
            return null;
        }
        var organization = (await organizations.ListAsync(cancellationToken)).First(o => o.Id == user.OrganizationId);
        if (!organization.Active)
        {
            return null;
        }
        var lifetime = TimeSpan.FromMinutes(configuration.GetValue("Proposals:TokenLifetimeMinutes", 480));
        return new Session(user, organization, await users.IssueTokenAsync(user.Id, time.GetUtcNow(), lifetime, cancellationToken));
    }

    /// <summary>The principal a token stands for, or why it stands for nobody.</summary>
    public async Task<(ClaimsPrincipal? Principal, string? Failure)> AuthenticateAsync(string token, string scheme, CancellationToken cancellationToken)
    {
        if (token.Length is 0 or > 200)
        {
            return (null, "malformed token");
        }
        var user = await users.FindByTokenAsync(token, time.GetUtcNow(), cancellationToken);
        if (user is null)
        {
            return (null, "unknown, expired or revoked token");
        }
        var organization = (await organizations.ListAsync(cancellationToken)).FirstOrDefault(o => o.Id == user.OrganizationId);
        if (organization is null || !organization.Active)
        {
            return (null, "the user's organisation is not active");
        }
        var identity = Caller.Identity(user.Id, user.Username, user.DisplayName, organization.Id, organization.Kind, user.Roles, scheme);
        return (new ClaimsPrincipal(identity), null);
    }

    public Task SignOutAsync(string token, CancellationToken cancellationToken) => users.RevokeTokenAsync(token, time.GetUtcNow(), cancellationToken);
}
