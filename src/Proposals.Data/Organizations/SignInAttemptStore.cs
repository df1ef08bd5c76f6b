using Dapper;
using Proposals.Data.Dialects;

namespace Proposals.Data.Organizations;

/// <summary>The wrong passwords counted for one account name from one client address, as they stand.</summary>
public sealed record SignInFailures(int Failures, DateTimeOffset FirstFailedAt, DateTimeOffset LastFailedAt, DateTimeOffset? LockedUntil);

/// <summary>
/// Sign-in attempts by account name and client address: the wrong passwords counted from each address, and the
/// addresses each account recently signed in from. Names are compared as <see cref="Account"/> gives them, whether or
/// not a user of that name exists.
/// </summary>
public sealed class SignInAttemptStore(Database database)
{
    private sealed class FailureRow
    {
        public int Failures { get; init; }
        public DateTime FirstFailedAt { get; init; }
        public DateTime LastFailedAt { get; init; }
        public DateTime? LockedUntil { get; init; }

        public SignInFailures ToFailures() => new(Failures, DateValues.Load(FirstFailedAt), DateValues.Load(LastFailedAt), DateValues.Load(LockedUntil));
    }

    private static readonly string[] FailureColumns =
        ["failures AS Failures", "first_failed_at AS FirstFailedAt", "last_failed_at AS LastFailedAt", "locked_until AS LockedUntil"];

    /// <summary>The key an account name is counted under: trimmed and in lower case, as user names are.</summary>
    public static string Account(string username)
    {
        ArgumentNullException.ThrowIfNull(username);
        return username.Trim().ToLowerInvariant();
    }

    /// <summary>The failures counted for <paramref name="account"/> from <paramref name="source"/>, or null.</summary>
    public async Task<SignInFailures?> FindFailuresAsync(string account, string source, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<FailureRow>(new CommandDefinition(
            """
            SELECT failures AS Failures, first_failed_at AS FirstFailedAt, last_failed_at AS LastFailedAt, locked_until AS LockedUntil
            FROM sign_in_failures WHERE account = @account AND source = @source
            """,
            new { account, source }, cancellationToken: cancellationToken));
        return row?.ToFailures();
    }

    /// <summary>
    /// Counts one wrong password for <paramref name="account"/> from <paramref name="source"/> and returns the count as
    /// this call left it: parallel callers each get their own number, none is lost. The <paramref name="lockAt"/>-th
    /// failure (and each later one) locks the pair until <paramref name="lockUntil"/>; the first failure after a lock
    /// has run out counts as the <paramref name="lockAt"/>-th again and locks anew, so a number above
    /// <paramref name="lockAt"/> always means the pair was already locked. A count whose last failure and lock both
    /// ended before <paramref name="forgetBefore"/> starts again from one.
    /// </summary>
    public async Task<SignInFailures> RecordFailureAsync(string account, string source, DateTimeOffset now, int lockAt, DateTimeOffset lockUntil, DateTimeOffset forgetBefore, CancellationToken cancellationToken)
    {
        var parameters = new { account, source, now = now.UtcDateTime, lockAt, lockUntil = lockUntil.UtcDateTime, forgetBefore = forgetBefore.UtcDateTime };
        // The counter is read and written by one statement: a read followed by a write let parallel guesses through uncounted.
        var increment = database.Dialect.UpdateReturning("sign_in_failures",
            """
            failures = CASE WHEN locked_until <= @now THEN @lockAt ELSE failures + 1 END,
                locked_until = CASE WHEN locked_until <= @now OR failures + 1 >= @lockAt THEN @lockUntil ELSE locked_until END,
                last_failed_at = @now
            """,
            "account = @account AND source = @source", FailureColumns);
        await using var connection = await database.OpenAsync(cancellationToken);
        // Deleting a stale count cannot race a fresh one: a row written by a parallel caller is never stale.
        await connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM sign_in_failures
            WHERE account = @account AND source = @source AND COALESCE(locked_until, last_failed_at) <= @forgetBefore
            """, parameters, cancellationToken: cancellationToken));
        for (var attempt = 0; ; attempt++)
        {
            var row = await connection.QuerySingleOrDefaultAsync<FailureRow>(new CommandDefinition(increment, parameters, cancellationToken: cancellationToken));
            if (row is not null)
            {
                return row.ToFailures();
            }
            try
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO sign_in_failures (account, source, failures, first_failed_at, last_failed_at, locked_until)
                    VALUES (@account, @source, 1, @now, @now, @lockedUntil)
                    """, new { account, source, now = now.UtcDateTime, lockedUntil = lockAt <= 1 ? lockUntil.UtcDateTime : (DateTime?)null },
                    cancellationToken: cancellationToken));
                return new SignInFailures(1, now, now, lockAt <= 1 ? lockUntil : null);
            }
            catch (Exception ex) when (attempt == 0 && database.IsUniqueViolation(ex))
            {
                // A parallel caller inserted the first failure a moment ago: count this one on top of it.
            }
        }
    }

    private const string InsertSuccess = "INSERT INTO sign_in_successes (account, source, succeeded_at) VALUES (@account, @source, @now)";

    /// <summary>A right password from <paramref name="source"/>: its count ends, and the address is remembered as the account's own.</summary>
    public async Task RecordSuccessAsync(string account, string source, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var parameters = new { account, source, now = now.UtcDateTime };
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM sign_in_failures WHERE account = @account AND source = @source", parameters, cancellationToken: cancellationToken));
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE sign_in_successes SET succeeded_at = @now WHERE account = @account AND source = @source", parameters, cancellationToken: cancellationToken));
        if (updated == 0)
        {
            try
            {
                await connection.ExecuteAsync(new CommandDefinition(InsertSuccess, parameters, cancellationToken: cancellationToken));
            }
            catch (Exception ex) when (database.IsUniqueViolation(ex))
            {
                // The same account signed in from the same address at the same moment: that record serves.
            }
        }
    }

    /// <summary>Whether <paramref name="account"/> signed in from <paramref name="source"/> at or after <paramref name="since"/>.</summary>
    public async Task<bool> SucceededSinceAsync(string account, string source, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM sign_in_successes WHERE account = @account AND source = @source AND succeeded_at >= @since",
            new { account, source, since = since.UtcDateTime }, cancellationToken: cancellationToken)) > 0;
    }
}
