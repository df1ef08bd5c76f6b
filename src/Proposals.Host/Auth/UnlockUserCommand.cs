using Proposals.Data;
using Proposals.Data.Migrations;
using Proposals.Data.Organizations;

namespace Proposals.Host.Auth;

/// <summary>
/// <c>unlock-user name</c>: ends every lockout and count of wrong passwords of one user, from every address, for when
/// no administrator can sign in to do it (the last one is locked out).
/// </summary>
internal static class UnlockUserCommand
{
    public const int Unlocked = 0;
    public const int Failed = 1;

    public static async Task<int> RunAsync(Database database, string username, bool migrate, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(username);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var migrated = DatabaseMigrator.Prepare(database, migrate);
        if (!migrated.Successful)
        {
            error.WriteLine($"error: {migrated.Error}");
            return Failed;
        }
        var users = new UserStore(database);
        if (await users.FindByNameAsync(username.Trim(), cancellationToken) is not { } user)
        {
            error.WriteLine($"error: there is no user named '{username}'; nothing was changed");
            return Failed;
        }
        var cleared = await users.ClearFailedSignInsAsync(user.Id, cancellationToken);
        output.WriteLine(cleared == 0
            ? $"{user.Username} was not locked out; wrong passwords from every address are forgotten."
            : $"Unlocked {user.Username}: wrong passwords from {cleared} address(es) are forgotten.");
        return Unlocked;
    }
}
