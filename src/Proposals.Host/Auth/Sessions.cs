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
    /// <summary>
    /// The active account of an active organisation that a name and password belong to, or null. Wrong passwords are
    /// counted: after <c>Security:LockoutThreshold</c> in a row (default 5) the account refuses every password, the
    /// right one too, for <c>Security:LockoutMinutes</c> (default 15); <c>LockedUntil</c> says until when.
    /// </summary>
    public async Task<(UserAccount? User, Organization? Organization, DateTimeOffset? LockedUntil)> VerifyAsync(string username, string password, CancellationToken cancellationToken)
    {
        var user = await users.FindByNameAsync(username.Trim(), cancellationToken);
        if (user is null || !user.Active || user.PasswordHash.Length == 0)
        {
            return (null, null, null);
        }
        var now = time.GetUtcNow();
        if (user.LockedUntil is { } lockedUntil && lockedUntil > now)
        {
            return (null, null, lockedUntil);
        }
        if (hasher.VerifyHashedPassword(user, user.PasswordHash, password) == PasswordVerificationResult.Failed)
        {
            var threshold = Math.Max(1, configuration.GetValue("Security:LockoutThreshold", 5));
            var lockFor = TimeSpan.FromMinutes(Math.Max(1, configuration.GetValue("Security:LockoutMinutes", 15)));
            await users.RecordFailedSignInAsync(user.Id, threshold, now + lockFor, cancellationToken);
            return (null, null, null);
        }
        await users.ClearFailedSignInsAsync(user.Id, cancellationToken);
        var organization = (await organizations.ListAsync(cancellationToken)).First(o => o.Id == user.OrganizationId);
        return organization.Active ? (user, organization, null) : (null, null, null);
    }

    /// <summary>The session for a name and password, or none, saying whether that is because a new password must be chosen first.</summary>
    public async Task<(Session? Session, bool MustChangePassword, DateTimeOffset? LockedUntil)> TrySignInAsync(string username, string password, CancellationToken cancellationToken)
    {
        var (user, organization, lockedUntil) = await VerifyAsync(username, password, cancellationToken);
        if (user is null || organization is null)
        {
            return (null, false, lockedUntil);
        }
        if (user.MustChangePassword)
        {
            return (null, true, null);
        }
        return (await IssueAsync(user, organization, cancellationToken), false, null);
    }

    /// <summary>
    /// A session for someone whose identity a trusted provider has already proved (OpenID Connect): the name must be an
    /// active user of an active organisation; the local password, its lockout and its pending change do not apply.
    /// </summary>
    public async Task<Session?> SignInVerifiedAsync(string username, CancellationToken cancellationToken)
    {
        var user = await users.FindByNameAsync(username.Trim(), cancellationToken);
        if (user is null || !user.Active)
        {
            return null;
        }
        var organization = (await organizations.ListAsync(cancellationToken)).First(o => o.Id == user.OrganizationId);
        return organization.Active ? await IssueAsync(user, organization, cancellationToken) : null;
    }

    private async Task<Session> IssueAsync(UserAccount user, Organization organization, CancellationToken cancellationToken)
    {
        var lifetime = TimeSpan.FromMinutes(configuration.GetValue("Proposals:TokenLifetimeMinutes", 480));
        return new Session(user, organization, await users.IssueTokenAsync(user.Id, time.GetUtcNow(), lifetime, cancellationToken));
    }

    /// <summary>Changes a password the user proved they know; returns why not, or null. Every token they held is revoked.</summary>
    public async Task<(bool Verified, string? Problem)> ChangePasswordAsync(string username, string currentPassword, string newPassword, CancellationToken cancellationToken)
    {
        if ((await VerifyAsync(username, currentPassword, cancellationToken)).User is not { } user)
        {
            return (false, null);
        }
        if (PasswordPolicy.Problem(user.Username, newPassword) is { } problem)
        {
            return (true, problem);
        }
        if (newPassword == currentPassword)
        {
            return (true, "新密码不能与原密码相同");
        }
        await users.SetPasswordAsync(user.Id, hasher.HashPassword(user, newPassword), mustChange: false, time.GetUtcNow(), cancellationToken);
        return (true, null);
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
