using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Proposals.Data.Organizations;

namespace Proposals.Host.Auth;

/// <summary>A signed-in user, with the opaque token that stands for the session.</summary>
internal sealed record Session(UserAccount User, Organization Organization, IssuedToken Token);

/// <summary>What a name and password came to: a session, a password to change first, a refusal, or a wait.</summary>
internal sealed record SignInOutcome(Session? Session, bool MustChangePassword, SignInThrottle? Throttle);

/// <summary>
/// Signing in and recognising a session, the same for API clients (a bearer token) and people in a browser (the
/// same token in a cookie): a token is checked in the database on every request, so revoking it, deactivating the
/// user or their organisation takes effect at once on every host.
/// </summary>
internal sealed class Sessions(UserStore users, SignInAttemptStore attempts, OrganizationStore organizations, IPasswordHasher<UserAccount> hasher, TimeProvider time, IConfiguration configuration)
{
    private static readonly UserAccount NoUser = new(0, "", "", 0, "", false, []);

    // A name that is no active user's is checked against this hash, so that it costs what a real one costs and no
    // answer or timing tells a guesser which names exist.
    private readonly Lazy<string> _dummyHash = new(() => hasher.HashPassword(NoUser, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24))));

    private readonly SignInLimits _limits = SignInLimits.From(configuration);

    /// <summary>
    /// The active account of an active organisation that a name and password belong to, or null; or the wait the
    /// address <paramref name="source"/> must keep first (see <see cref="SignInLimits"/>). Failures are counted by the
    /// name as given and the address, whether or not the name is a user's, and every name is answered the same way.
    /// </summary>
    public async Task<(UserAccount? User, Organization? Organization, SignInThrottle? Throttle)> VerifyAsync(string username, string password, string source, CancellationToken cancellationToken)
    {
        var account = SignInAttemptStore.Account(username);
        var now = time.GetUtcNow();
        var forgetBefore = now - _limits.LockFor;
        if (await attempts.FindFailuresAsync(account, source, cancellationToken) is { } failures
            && (failures.LockedUntil ?? failures.LastFailedAt) > forgetBefore)
        {
            if (failures.LockedUntil is { } lockedUntil && lockedUntil > now)
            {
                return (null, null, new SignInThrottle(true, lockedUntil - now));
            }
            var allowedAt = failures.LastFailedAt + _limits.DelayAfterFailures(failures.Failures);
            if (allowedAt > now)
            {
                return (null, null, new SignInThrottle(false, allowedAt - now));
            }
        }
        // The attempt is counted before the password is checked, and the count read back from the same statement:
        // of many guesses sent at once, only those up to the threshold are checked; the rest find the address locked.
        var ownAddress = await attempts.SucceededSinceAsync(account, source, now - _limits.KnownFor, cancellationToken);
        var lockAt = ownAddress ? int.MaxValue : _limits.LockoutThreshold;
        var counted = await attempts.RecordFailureAsync(account, source, now, lockAt, now + _limits.LockFor, forgetBefore, cancellationToken);
        if (counted.Failures > lockAt && counted.LockedUntil is { } lockedNow)
        {
            return (null, null, new SignInThrottle(true, lockedNow - now));
        }
        var user = await users.FindByNameAsync(username.Trim(), cancellationToken);
        var known = user is { Active: true, PasswordHash.Length: > 0 };
        var verified = hasher.VerifyHashedPassword(known ? user! : NoUser, known ? user!.PasswordHash : _dummyHash.Value, password) != PasswordVerificationResult.Failed;
        if (!known || !verified)
        {
            return (null, null, null);
        }
        var organization = (await organizations.ListAsync(cancellationToken)).First(o => o.Id == user!.OrganizationId);
        if (!organization.Active)
        {
            return (null, null, null);
        }
        await attempts.RecordSuccessAsync(account, source, now, cancellationToken);
        return (user, organization, null);
    }

    /// <summary>The session for a name and password, or none, saying whether that is because a new password must be chosen first or the address must wait.</summary>
    public async Task<SignInOutcome> TrySignInAsync(string username, string password, string source, CancellationToken cancellationToken)
    {
        var (user, organization, throttle) = await VerifyAsync(username, password, source, cancellationToken);
        if (user is null || organization is null)
        {
            return new SignInOutcome(null, false, throttle);
        }
        if (user.MustChangePassword)
        {
            return new SignInOutcome(null, true, null);
        }
        return new SignInOutcome(await IssueAsync(user, organization, cancellationToken), false, null);
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
    public async Task<(bool Verified, string? Problem, SignInThrottle? Throttle)> ChangePasswordAsync(string username, string currentPassword, string newPassword, string source, CancellationToken cancellationToken)
    {
        var (user, _, throttle) = await VerifyAsync(username, currentPassword, source, cancellationToken);
        if (user is null)
        {
            return (false, null, throttle);
        }
        if (PasswordPolicy.Problem(user.Username, newPassword) is { } problem)
        {
            return (true, problem, null);
        }
        if (newPassword == currentPassword)
        {
            return (true, "新密码不能与原密码相同", null);
        }
        await users.SetPasswordAsync(user.Id, hasher.HashPassword(user, newPassword), mustChange: false, time.GetUtcNow(), cancellationToken);
        return (true, null, null);
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
