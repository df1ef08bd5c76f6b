using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Proposals.Data.Organizations;
using Proposals.Engine.Definitions;
using Proposals.Engine.Execution;

namespace Proposals.Host.Auth;

/// <summary>Where the host tells its operator something once, outside the logs (which must never hold a secret).</summary>
internal sealed class OperatorConsole(TextWriter writer)
{
    public void WriteLine(string text) => writer.WriteLine(text);
}

/// <summary>
/// A service started without demo data needs someone to set it up: when no active administrator exists, the account
/// <c>admin</c> is created with the password of <c>Proposals:InitialAdminPassword</c>, or a random one printed once
/// on the console, and must choose its own password at first sign-in.
/// </summary>
internal sealed class InitialAdministrator(
    OrganizationStore organizations, UserStore users, IPasswordHasher<UserAccount> hasher, OperatorConsole console, IConfiguration configuration, TimeProvider time)
{
    public const string Username = "admin";
    public const string PasswordSetting = "Proposals:InitialAdminPassword";

    /// <summary>Creates the administrator when there is none; returns whether it did.</summary>
    public async Task<bool> EnsureAsync(CancellationToken cancellationToken)
    {
        if (await users.AnyActiveWithRoleAsync(Roles.Admin, cancellationToken))
        {
            return false;
        }
        var configured = configuration[PasswordSetting];
        var password = string.IsNullOrEmpty(configured) ? PasswordPolicy.Temporary() : configured;
        var now = time.GetUtcNow();
        var organizationId = await organizations.EnsureAsync(Proposals.SystemAccount.OrganizationCode, "系统管理", OrganizationKind.System, now, cancellationToken);
        var hash = hasher.HashPassword(new UserAccount(0, Username, "系统管理员", organizationId, "", true, []), password);
        var id = await users.UpsertAsync(Username, "系统管理员", organizationId, hash, [Roles.Admin], now, cancellationToken);
        await users.SetPasswordAsync(id, hash, mustChange: true, now, cancellationToken);
        console.WriteLine(string.IsNullOrEmpty(configured)
            ? $"Initial administrator created: user '{Username}', password '{password}' (shown only this once; it must be changed at first sign-in)."
            : $"Initial administrator created: user '{Username}', with the password of {PasswordSetting} (it must be changed at first sign-in).");
        return true;
    }
}
