using System.Globalization;
using Proposals.Data.Retention;
using Proposals.Host.Auth;

namespace Proposals.Host.Retention;

/// <summary>What one purge deleted, by kind.</summary>
internal sealed record PurgeReport(int ExpiredTokens, int IdempotencyKeys, int ReadNotifications, int DeliveredDeliveries, int SignInFailures, int SignInSuccesses)
{
    public int Total => ExpiredTokens + IdempotencyKeys + ReadNotifications + DeliveredDeliveries + SignInFailures + SignInSuccesses;

    /// <summary>One line for people: every kind with its count.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"expired tokens {ExpiredTokens}, idempotency keys {IdempotencyKeys}, read notifications {ReadNotifications}, delivered outbox rows {DeliveredDeliveries}, sign-in failure counts {SignInFailures}, known sign-in addresses {SignInSuccesses}");

    /// <summary>The same, short enough for a job_runs key.</summary>
    public string Compact => string.Create(CultureInfo.InvariantCulture,
        $"t{ExpiredTokens} k{IdempotencyKeys} n{ReadNotifications} d{DeliveredDeliveries} f{SignInFailures} s{SignInSuccesses}");
}

/// <summary>
/// The daily purge (and the <c>purge</c> command): each kind is deleted in batches of <see cref="BatchSize"/>, each its
/// own short statement, so a run never holds a long lock; ages come from <see cref="RetentionOptions"/>, and the sign-in
/// counts go once their windows (<see cref="SignInLimits"/>) have passed, when they no longer change any answer.
/// History, attachments, proposals and unread notifications are never touched.
/// </summary>
internal sealed class RetentionPurge(RetentionStore store, IConfiguration configuration, TimeProvider time, ILogger<RetentionPurge> logger)
{
    public const int BatchSize = 500;

    // A bound on one run, so that a backlog of years is worked off over several nights rather than in one long run.
    private const int MaxBatches = 1000;

    public async Task<PurgeReport> RunAsync(CancellationToken cancellationToken)
    {
        var settings = RetentionOptions.From(configuration);
        var limits = SignInLimits.From(configuration);
        var now = time.GetUtcNow();
        var report = new PurgeReport(
            await DrainAsync(b => store.PurgeExpiredTokensAsync(now.AddDays(-settings.ExpiredTokenDays), b, cancellationToken), cancellationToken),
            await DrainAsync(b => store.PurgeIdempotencyKeysAsync(now.AddDays(-settings.IdempotencyDays), b, cancellationToken), cancellationToken),
            await DrainAsync(b => store.PurgeReadNotificationsAsync(now.AddDays(-settings.ReadNotificationDays), b, cancellationToken), cancellationToken),
            await DrainAsync(b => store.PurgeDeliveredAsync(now.AddDays(-settings.DeliveredDays), b, cancellationToken), cancellationToken),
            await DrainAsync(b => store.PurgeSignInFailuresAsync(now - limits.LockFor, b, cancellationToken), cancellationToken),
            await DrainAsync(b => store.PurgeSignInSuccessesAsync(now - limits.KnownFor, b, cancellationToken), cancellationToken));
        await store.RecordRunAsync(report.Compact, now, cancellationToken);
        logger.LogInformation("Purged {Report}", report);
        return report;
    }

    private static async Task<int> DrainAsync(Func<int, Task<int>> batch, CancellationToken cancellationToken)
    {
        var total = 0;
        for (var i = 0; i < MaxBatches && !cancellationToken.IsCancellationRequested; i++)
        {
            var deleted = await batch(BatchSize);
            total += deleted;
            if (deleted < BatchSize)
            {
                break;
            }
        }
        return total;
    }
}
