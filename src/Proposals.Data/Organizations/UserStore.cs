using System.Security.Cryptography;
using System.Text;
using Dapper;

namespace Proposals.Data.Organizations;

/// <summary>A user with what sign-in and authorisation need.</summary>
public sealed record UserAccount(long Id, string Username, string DisplayName, long OrganizationId, string PasswordHash, bool Active, IReadOnlyList<string> Roles, bool MustChangePassword = false, DateTimeOffset? LockedUntil = null);

/// <summary>A user to create: the password is already hashed; <paramref name="OrganizationCode"/> names the organisation.</summary>
public sealed record NewUser(string Username, string DisplayName, string OrganizationCode, IReadOnlyList<string> Roles, string PasswordHash, bool MustChangePassword);

/// <summary>An access token as issued: the secret is shown once; only its hash is stored.</summary>
public sealed record IssuedToken(string Token, DateTimeOffset ExpiresAt);

/// <summary>Local users, their roles and their bearer tokens.</summary>
public sealed class UserStore(Database database)
{
    private sealed class UserRow
    {
        public long Id { get; init; }
        public string Username { get; init; } = "";
        public string DisplayName { get; init; } = "";
        public long OrganizationId { get; init; }
        public string PasswordHash { get; init; } = "";
        public bool Active { get; init; }
        public bool MustChangePassword { get; init; }
        public DateTime? LockedUntil { get; init; }
    }

    private const string SelectUsers = """
        SELECT id AS Id, username AS Username, display_name AS DisplayName, organization_id AS OrganizationId,
               password_hash AS PasswordHash, active AS Active, must_change_password AS MustChangePassword,
               (SELECT MAX(f.locked_until) FROM sign_in_failures f WHERE f.account = LOWER(users.username)) AS LockedUntil
        FROM users
        """;

    public async Task<UserAccount?> FindByNameAsync(string username, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(
            SelectUsers + " WHERE username = @username", new { username }, cancellationToken: cancellationToken));
        return row is null ? null : await WithRolesAsync(connection, row, cancellationToken);
    }

    public async Task<UserAccount?> FindByIdAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(
            SelectUsers + " WHERE id = @id", new { id }, cancellationToken: cancellationToken));
        return row is null ? null : await WithRolesAsync(connection, row, cancellationToken);
    }

    private static async Task<UserAccount> WithRolesAsync(System.Data.Common.DbConnection connection, UserRow row, CancellationToken cancellationToken)
    {
        var roles = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT role FROM user_roles WHERE user_id = @Id ORDER BY role", new { row.Id }, cancellationToken: cancellationToken));
        return new UserAccount(row.Id, row.Username, row.DisplayName, row.OrganizationId, row.PasswordHash, row.Active, roles.ToList(), row.MustChangePassword, row.LockedUntil is { } locked ? Dialects.DateValues.Load(locked) : null);
    }

    /// <summary>Creates a user with roles, or updates the existing one of that name to match.</summary>
    public async Task<long> UpsertAsync(string username, string displayName, long organizationId, string passwordHash, IReadOnlyList<string> roles, DateTimeOffset now, CancellationToken cancellationToken, bool active = true)
    {
        try
        {
            return await TryUpsertAsync(username, displayName, organizationId, passwordHash, roles, active, now, cancellationToken);
        }
        catch (Exception ex) when (database.IsUniqueViolation(ex))
        {
            // Another host created the same user a moment ago; the second pass updates it instead.
            return await TryUpsertAsync(username, displayName, organizationId, passwordHash, roles, active, now, cancellationToken);
        }
    }

    private async Task<long> TryUpsertAsync(string username, string displayName, long organizationId, string passwordHash, IReadOnlyList<string> roles, bool active, DateTimeOffset now, CancellationToken cancellationToken)
    {
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            var id = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
                "SELECT id FROM users WHERE username = @username", new { username }, transaction, cancellationToken: cancellationToken));
            if (id is null)
            {
                id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                    database.Dialect.InsertReturningId("users", "username, display_name, organization_id, password_hash, active, created_at", "@username, @displayName, @organizationId, @passwordHash, @active, @now"),
                    new { username, displayName, organizationId, passwordHash, active, now = now.UtcDateTime }, transaction, cancellationToken: cancellationToken));
            }
            else
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE users SET display_name = @displayName, organization_id = @organizationId, password_hash = @passwordHash, active = @active WHERE id = @id",
                    new { id, displayName, organizationId, passwordHash, active }, transaction, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition("DELETE FROM user_roles WHERE user_id = @id", new { id }, transaction, cancellationToken: cancellationToken));
            }
            await InsertRolesAsync(connection, transaction, id.Value, roles, cancellationToken);
            return id.Value;
        }, cancellationToken);
    }

    /// <summary>Every user with their roles, by id.</summary>
    public async Task<IReadOnlyList<UserAccount>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<UserRow>(new CommandDefinition(SelectUsers + " ORDER BY id", cancellationToken: cancellationToken));
        var roles = (await connection.QueryAsync<(long UserId, string Role)>(new CommandDefinition(
            "SELECT user_id, role FROM user_roles ORDER BY user_id, role", cancellationToken: cancellationToken))).ToLookup(r => r.UserId, r => r.Role);
        return rows.Select(r => new UserAccount(r.Id, r.Username, r.DisplayName, r.OrganizationId, r.PasswordHash, r.Active, roles[r.Id].ToList(),
            r.MustChangePassword, r.LockedUntil is { } locked ? Dialects.DateValues.Load(locked) : null)).ToList();
    }

    /// <summary>
    /// Creates users in one transaction: all of them or, when a user name is taken (also by another host a moment
    /// ago) or an organisation code is unknown, none. Returns their ids in order, or null when nothing was written.
    /// </summary>
    public async Task<IReadOnlyList<long>?> CreateAsync(IReadOnlyList<NewUser> users, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(users);
        try
        {
            return await database.InTransactionAsync<IReadOnlyList<long>?>(async (connection, transaction) =>
            {
                var ids = new List<long>();
                foreach (var user in users)
                {
                    var organizationId = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
                        "SELECT id FROM organizations WHERE code = @OrganizationCode", new { user.OrganizationCode }, transaction, cancellationToken: cancellationToken));
                    var taken = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                        "SELECT COUNT(*) FROM users WHERE username = @Username", new { user.Username }, transaction, cancellationToken: cancellationToken));
                    if (organizationId is null || taken > 0)
                    {
                        return (false, null);
                    }
                    var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                        database.Dialect.InsertReturningId("users", "username, display_name, organization_id, password_hash, active, must_change_password, created_at",
                            "@Username, @DisplayName, @organizationId, @PasswordHash, @active, @MustChangePassword, @now"),
                        new { user.Username, user.DisplayName, organizationId, user.PasswordHash, active = true, user.MustChangePassword, now = now.UtcDateTime },
                        transaction, cancellationToken: cancellationToken));
                    await InsertRolesAsync(connection, transaction, id, user.Roles, cancellationToken);
                    ids.Add(id);
                }
                return (true, ids);
            }, cancellationToken);
        }
        catch (Exception ex) when (database.IsUniqueViolation(ex))
        {
            return null;
        }
    }

    /// <summary>
    /// Changes a user's name, organisation, roles and whether they may sign in; deactivating revokes every token at once.
    /// Returns false when there is no such user.
    /// </summary>
    public async Task<bool> UpdateAsync(long id, string displayName, long organizationId, IReadOnlyList<string> roles, bool active, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roles);
        return await database.InTransactionAsync<bool>(async (connection, transaction) =>
        {
            var changed = await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE users SET display_name = @displayName, organization_id = @organizationId, active = @active WHERE id = @id",
                new { id, displayName, organizationId, active }, transaction, cancellationToken: cancellationToken));
            if (changed == 0)
            {
                return (false, false);
            }
            await connection.ExecuteAsync(new CommandDefinition("DELETE FROM user_roles WHERE user_id = @id", new { id }, transaction, cancellationToken: cancellationToken));
            await InsertRolesAsync(connection, transaction, id, roles, cancellationToken);
            if (!active)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE access_tokens SET revoked_at = @now WHERE user_id = @id AND revoked_at IS NULL",
                    new { id, now = now.UtcDateTime }, transaction, cancellationToken: cancellationToken));
            }
            return (true, true);
        }, cancellationToken);
    }

    private static async Task InsertRolesAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, long id, IReadOnlyList<string> roles, CancellationToken cancellationToken)
    {
        foreach (var role in roles.Distinct(StringComparer.Ordinal))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO user_roles (user_id, role) VALUES (@id, @role)", new { id, role }, transaction, cancellationToken: cancellationToken));
        }
    }

    /// <summary>Issues a random bearer token that expires after <paramref name="lifetime"/>.</summary>
    public async Task<IssuedToken> IssueTokenAsync(long userId, DateTimeOffset now, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var expiresAt = now + lifetime;
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO access_tokens (token_hash, user_id, created_at, expires_at) VALUES (@hash, @userId, @now, @expiresAt)",
            new { hash = Hash(token), userId, now = now.UtcDateTime, expiresAt = expiresAt.UtcDateTime }, cancellationToken: cancellationToken));
        return new IssuedToken(token, expiresAt);
    }

    /// <summary>The active user a token belongs to, if the token is known, unexpired and not revoked.</summary>
    public async Task<UserAccount?> FindByTokenAsync(string token, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var userId = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            """
            SELECT t.user_id FROM access_tokens t JOIN users u ON u.id = t.user_id
            WHERE t.token_hash = @hash AND t.revoked_at IS NULL AND t.expires_at > @now AND u.active = @active
            """, new { hash = Hash(token), now = now.UtcDateTime, active = true }, cancellationToken: cancellationToken));
        return userId is { } id ? await FindByIdAsync(id, cancellationToken) : null;
    }

    /// <summary>
    /// Sets a user's password and whether they must change it at next sign-in, and revokes every token they hold, in
    /// one transaction: whoever knew the old password is signed out everywhere at once.
    /// </summary>
    public async Task SetPasswordAsync(long userId, string passwordHash, bool mustChange, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await database.InTransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE users SET password_hash = @passwordHash, must_change_password = @mustChange WHERE id = @userId",
                new { userId, passwordHash, mustChange }, transaction, cancellationToken: cancellationToken));
            return await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE access_tokens SET revoked_at = @now WHERE user_id = @userId AND revoked_at IS NULL",
                new { userId, now = now.UtcDateTime }, transaction, cancellationToken: cancellationToken));
        }, cancellationToken);
    }

    /// <summary>
    /// Ends every lockout and count of wrong passwords of a user, from every address (and the account-wide one of
    /// earlier versions); returns how many addresses had failures counted.
    /// </summary>
    public async Task<int> ClearFailedSignInsAsync(long userId, CancellationToken cancellationToken)
    {
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE users SET failed_sign_ins = 0, locked_until = NULL WHERE id = @userId AND (failed_sign_ins <> 0 OR locked_until IS NOT NULL)",
                new { userId }, transaction, cancellationToken: cancellationToken));
            return await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM sign_in_failures WHERE account = (SELECT LOWER(username) FROM users WHERE id = @userId)",
                new { userId }, transaction, cancellationToken: cancellationToken));
        }, cancellationToken);
    }

    /// <summary>Whether any active user holds <paramref name="role"/>.</summary>
    public async Task<bool> AnyActiveWithRoleAsync(string role, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM users u JOIN user_roles r ON r.user_id = u.id WHERE r.role = @role AND u.active = @active",
            new { role, active = true }, cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>Revokes one token; a revoked token is refused from the next request on.</summary>
    public async Task RevokeTokenAsync(string token, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE access_tokens SET revoked_at = @now WHERE token_hash = @hash AND revoked_at IS NULL",
            new { hash = Hash(token), now = now.UtcDateTime }, cancellationToken: cancellationToken));
    }

    private static string Hash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
