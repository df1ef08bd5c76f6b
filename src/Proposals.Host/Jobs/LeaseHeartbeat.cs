namespace Proposals.Host.Jobs;

/// <summary>
/// Keeps a dispatcher's claim alive while its batch works: every third of the lease it extends the lease of the rows
/// the owner still holds, so a short lease never runs out under a slow batch, while the rows of a host that died
/// (and stopped beating) are free again within one lease. Disposing it stops the beat.
/// </summary>
internal sealed class LeaseHeartbeat : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly Task _beating;

    private LeaseHeartbeat(Func<DateTimeOffset, CancellationToken, Task<int>> renew, TimeSpan lease, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _beating = BeatAsync(renew, lease, time, logger, _stop.Token);
    }

    /// <summary>Starts beating; <paramref name="renew"/> extends the held rows to the instant it is given and returns how many it still holds.</summary>
    public static LeaseHeartbeat Start(Func<DateTimeOffset, CancellationToken, Task<int>> renew, TimeSpan lease, TimeProvider time, ILogger logger, CancellationToken cancellationToken) =>
        new(renew, lease, time, logger, cancellationToken);

    private static async Task BeatAsync(Func<DateTimeOffset, CancellationToken, Task<int>> renew, TimeSpan lease, TimeProvider time, ILogger logger, CancellationToken stop)
    {
        var interval = lease / 3;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, time, stop);
                if (await renew(time.GetUtcNow() + lease, stop) == 0)
                {
                    return; // every row is finished or was taken over: nothing left to keep
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A missed beat is not fatal: the next one, a third of a lease later, still comes before the lease ends.
                logger.LogWarning(ex, "Could not renew the lease of a claimed batch");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _beating;
        _stop.Dispose();
    }
}
