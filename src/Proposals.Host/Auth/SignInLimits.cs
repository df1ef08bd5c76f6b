namespace Proposals.Host.Auth;

/// <summary>
/// How wrong passwords are answered, per account name and client address: after <see cref="DelayAfter"/> in a row each
/// further attempt must wait, twice as long each time (<see cref="FirstDelay"/>, at most <see cref="MaxDelay"/>); the
/// <see cref="LockoutThreshold"/>-th locks that address out of that account for <see cref="LockFor"/>. An address the
/// account signed in from within <see cref="KnownFor"/> is slowed down but never locked out.
/// </summary>
internal sealed record SignInLimits(int LockoutThreshold, TimeSpan LockFor, int DelayAfter, TimeSpan FirstDelay, TimeSpan MaxDelay, TimeSpan KnownFor)
{
    public static SignInLimits From(IConfiguration configuration) => new(
        LockoutThreshold: Math.Max(1, configuration.GetValue("Security:LockoutThreshold", 5)),
        LockFor: TimeSpan.FromMinutes(Math.Max(1, configuration.GetValue("Security:LockoutMinutes", 15))),
        DelayAfter: Math.Max(1, configuration.GetValue("Security:SignInDelayAfter", 2)),
        FirstDelay: TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue("Security:SignInDelaySeconds", 1))),
        MaxDelay: TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue("Security:SignInMaxDelaySeconds", 60))),
        KnownFor: TimeSpan.FromDays(Math.Max(0, configuration.GetValue("Security:KnownAddressDays", 30))));

    /// <summary>How long after the last of <paramref name="failures"/> wrong passwords in a row the next attempt must wait.</summary>
    public TimeSpan DelayAfterFailures(int failures)
    {
        if (failures < DelayAfter)
        {
            return TimeSpan.Zero;
        }
        var doublings = Math.Min(failures - DelayAfter, 30);
        var delay = FirstDelay * Math.Pow(2, doublings);
        return delay < MaxDelay ? delay : MaxDelay;
    }
}

/// <summary>Why a name and password were not even checked: the address must wait, or is locked out of the account.</summary>
internal sealed record SignInThrottle(bool Locked, TimeSpan RetryAfter)
{
    /// <summary>Whole seconds, rounded up, as <c>Retry-After</c> gives them.</summary>
    public long RetryAfterSeconds => Math.Max(1, (long)Math.Ceiling(RetryAfter.TotalSeconds));
}

/// <summary>Where a sign-in attempt comes from: the client address, as the forwarded-headers middleware left it.</summary>
internal static class SignInSource
{
    public static string Of(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var address = http.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }
        // One address, one key: an IPv4 client seen through a dual-stack socket counts as itself.
        return (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
    }
}
