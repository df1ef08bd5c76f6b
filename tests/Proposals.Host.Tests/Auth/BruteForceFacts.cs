using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Proposals.Host.Auth;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Auth;

public sealed class BruteForceFactsOnSqlite() : BruteForceFacts(TestDatabases.Sqlite);

public sealed class BruteForceFactsOnPostgres() : BruteForceFacts(TestDatabases.Postgres);

public sealed class BruteForceFactsOnSqlServer() : BruteForceFacts(TestDatabases.SqlServer);

/// <summary>
/// Guessing passwords: wrong passwords slow down, then lock out, the address they come from, for the account they name,
/// whether it exists or not; the account's own recent address is never locked; sign-in is rate limited per address.
/// </summary>
public abstract class BruteForceFacts(Func<TestDatabase> database) : DatabaseFacts(database)
{
    private const string Attacker = "203.0.113.66";
    private const string Office = "198.51.100.10";

    // The documented defaults: waits start after the 2nd failure in a row at 1 s and double; the 5th locks for 15 minutes.
    private static readonly TimeSpan Lockout = TimeSpan.FromMinutes(15);

    // Wrong passwords counted but neither slowed nor locked: only the address rate limit is left to see.
    private static readonly Dictionary<string, string?> NoLockout = new()
    {
        ["Security:SignInDelayAfter"] = "1000",
        ["Security:LockoutThreshold"] = "1000",
    };

    private static Task<HttpResponseMessage> TokenAsync(HttpClient client, string password, string username = "fgj.handler") =>
        client.PostAsJsonAsync("/api/auth/token", new { username, password });

    private static long? RetryAfter(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Retry-After", out var values) ? long.Parse(values.Single(), System.Globalization.CultureInfo.InvariantCulture) : null;

    private static async Task<string> DetailAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>();

    [SkippableFact]
    public async Task Wrong_passwords_make_the_address_wait_longer_each_time_then_lock_it_out_until_the_lockout_ends()
    {
        using var host = new ProposalsHost(Database);
        using var client = host.CreateClientFrom(Attacker);

        Assert.Equal(HttpStatusCode.Unauthorized, (await TokenAsync(client, "guess-1")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await TokenAsync(client, "guess-2")).StatusCode);
        var waits = new List<long?>();
        for (var i = 3; i <= 5; i++)
        {
            // Straight away, even the right password is not checked: the address must wait, and is told how long.
            var early = await TokenAsync(client, ApiClient.Password);
            Assert.Equal(HttpStatusCode.TooManyRequests, early.StatusCode);
            Assert.Contains("秒后再试", await DetailAsync(early), StringComparison.Ordinal);
            waits.Add(RetryAfter(early));
            host.Clock.Advance(TimeSpan.FromSeconds(RetryAfter(early)!.Value));
            Assert.Equal(HttpStatusCode.Unauthorized, (await TokenAsync(client, $"guess-{i}")).StatusCode);
        }
        Assert.Equal([1L, 2L, 4L], waits);
        Assert.Equal(5, host.Scalar("SELECT failures FROM sign_in_failures WHERE account = 'fgj.handler'"));

        var locked = await TokenAsync(client, ApiClient.Password);
        Assert.Equal(HttpStatusCode.Unauthorized, locked.StatusCode);
        Assert.Contains("锁定", await DetailAsync(locked), StringComparison.Ordinal);
        Assert.Equal((long)Lockout.TotalSeconds, RetryAfter(locked));
        using var browser = new PageClient(host);
        browser.Http.DefaultRequestHeaders.Add(ProposalsHost.ClientAddressHeader, Attacker);
        Assert.Contains("锁定", await (await browser.SignInAsync("fgj.handler")).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        host.Clock.Advance(Lockout - TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await TokenAsync(client, ApiClient.Password)).StatusCode);
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(client, ApiClient.Password)).StatusCode);

        // The right password ended the count: one more wrong one is answered as a first.
        Assert.Equal(HttpStatusCode.Unauthorized, (await TokenAsync(client, "again")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(client, ApiClient.Password)).StatusCode);
    }

    [SkippableFact]
    public async Task An_attacker_locked_out_of_the_admin_account_does_not_stop_the_admin_signing_in_from_their_own_address()
    {
        using var host = new ProposalsHost(Database);
        using var office = host.CreateClientFrom(Office);
        using var attacker = host.CreateClientFrom(Attacker);
        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(office, ApiClient.Password, "admin")).StatusCode);

        for (var i = 0; i < 8; i++)
        {
            await TokenAsync(attacker, $"guess-{i}", "admin");
            host.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        var refused = await TokenAsync(attacker, ApiClient.Password, "admin");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("锁定", await DetailAsync(refused), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(office, ApiClient.Password, "admin")).StatusCode);
    }

    [SkippableFact]
    public async Task Wrong_passwords_from_the_address_the_account_last_signed_in_from_slow_it_down_but_never_lock_it()
    {
        using var host = new ProposalsHost(Database);
        using var office = host.CreateClientFrom(Office);
        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(office, ApiClient.Password, "admin")).StatusCode);
        host.Clock.Advance(TimeSpan.FromDays(29));

        // Someone behind the same address guesses far past the lockout threshold, each time after the wait.
        for (var i = 0; i < 8; i++)
        {
            var answer = await TokenAsync(office, $"guess-{i}", "admin");
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
            Assert.DoesNotContain("锁定", await DetailAsync(answer), StringComparison.Ordinal);
            host.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(office, ApiClient.Password, "admin")).StatusCode);
        Assert.Equal(0, host.Scalar("SELECT COUNT(*) FROM sign_in_failures WHERE locked_until IS NOT NULL"));
    }

    [SkippableFact]
    public async Task An_address_that_signed_in_longer_ago_than_the_known_address_window_is_locked_like_any_other()
    {
        using var host = new ProposalsHost(Database);
        using var office = host.CreateClientFrom(Office);
        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(office, ApiClient.Password, "admin")).StatusCode);
        host.Clock.Advance(TimeSpan.FromDays(31));

        for (var i = 0; i < 5; i++)
        {
            await TokenAsync(office, $"guess-{i}", "admin");
            host.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        var refused = await TokenAsync(office, ApiClient.Password, "admin");
        Assert.Contains("锁定", await DetailAsync(refused), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Parallel_wrong_passwords_are_each_counted_exactly_once()
    {
        using var host = new ProposalsHost(Database, settings: NoLockout);
        var clients = Enumerable.Range(0, 12).Select(_ => host.CreateClientFrom(Attacker)).ToList();

        var answers = await Task.WhenAll(clients.Select((client, i) => TokenAsync(client, $"guess-{i}")));

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode));
        Assert.Equal(12, host.Scalar("SELECT failures FROM sign_in_failures WHERE account = 'fgj.handler'"));
        clients.ForEach(client => client.Dispose());
    }

    [SkippableFact]
    public async Task Of_twelve_wrong_passwords_sent_at_once_only_the_first_five_are_checked_and_the_rest_find_the_address_locked()
    {
        using var host = new ProposalsHost(Database, settings: new Dictionary<string, string?> { ["Security:SignInDelayAfter"] = "1000" });
        var clients = Enumerable.Range(0, 12).Select(_ => host.CreateClientFrom(Attacker)).ToList();

        var answers = await Task.WhenAll(clients.Select((client, i) => TokenAsync(client, $"guess-{i}")));

        var details = await Task.WhenAll(answers.Select(DetailAsync));
        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode));
        Assert.Equal(5, host.Passwords.Checked.Count);
        Assert.Equal(5, details.Count(d => d == "用户名或密码错误"));
        Assert.Equal(7, details.Count(d => d.Contains("锁定", StringComparison.Ordinal)));
        clients.ForEach(client => client.Dispose());
    }

    [SkippableFact]
    public async Task An_unknown_name_costs_a_password_check_and_gets_the_answers_a_real_name_gets_lockout_included()
    {
        using var host = new ProposalsHost(Database);

        async Task<List<(HttpStatusCode Status, string Detail, long? RetryAfter, int Checks)>> GuessAsync(string username, string address)
        {
            using var client = host.CreateClientFrom(address);
            var answers = new List<(HttpStatusCode, string, long?, int)>();
            async Task TryAsync(string password)
            {
                var before = host.Passwords.Checked.Count;
                var response = await TokenAsync(client, password, username);
                answers.Add((response.StatusCode, await DetailAsync(response), RetryAfter(response), host.Passwords.Checked.Count - before));
            }
            await TryAsync("guess-1");
            await TryAsync("guess-2");
            await TryAsync("guess-3");
            for (var i = 3; i <= 6; i++)
            {
                host.Clock.Advance(TimeSpan.FromSeconds(10));
                await TryAsync($"guess-{i}");
            }
            return answers;
        }

        var real = await GuessAsync("fgj.handler", Attacker);
        var unknown = await GuessAsync("no.such.user", Office);

        Assert.Equal(real, unknown);
        Assert.Equal(
            [HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized],
            unknown.Select(a => a.Status));
        Assert.Equal([1, 1, 0, 1, 1, 1, 0], unknown.Select(a => a.Checks));
        Assert.Equal("用户名或密码错误", unknown[0].Detail);
        Assert.Contains("锁定", unknown[^1].Detail, StringComparison.Ordinal);
        // Each check of the unknown name was against a hash of the same kind and cost as the real user's.
        var checks = host.Passwords.Checked;
        Assert.Equal(10, checks.Count);
        Assert.Single(checks.Distinct());
        Assert.NotEqual("not a hash", checks[0]);
    }

    [SkippableFact]
    public async Task Sign_in_attempts_are_rate_limited_per_address_with_a_time_to_retry()
    {
        using var host = new ProposalsHost(Database, settings: new Dictionary<string, string?>(NoLockout) { ["Security:SignInsPerMinute"] = "10" });
        using var client = host.CreateClientFrom(Attacker);

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 20; i++)
        {
            answers.Add(await TokenAsync(client, $"guess-{i}"));
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 10).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 10)), answers.Select(a => a.StatusCode));
        Assert.All(answers.Skip(10), answer => Assert.InRange(RetryAfter(answer) ?? 0, 1, 60));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await TokenAsync(client, ApiClient.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.PostAsJsonAsync("/api/auth/password", new { username = "fgj.handler", currentPassword = "x", newPassword = "y" })).StatusCode);
        // Another address has its own allowance.
        using var office = host.CreateClientFrom(Office);
        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(office, ApiClient.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
    }

    [SkippableFact]
    public async Task Showing_the_sign_in_page_fifty_times_leaves_the_sign_in_allowance_untouched()
    {
        using var host = new ProposalsHost(Database, settings: new Dictionary<string, string?>(NoLockout) { ["Security:SignInsPerMinute"] = "10" });
        using var browser = new PageClient(host);
        browser.Http.DefaultRequestHeaders.Add(ProposalsHost.ClientAddressHeader, Attacker);

        for (var i = 0; i < 50; i++)
        {
            await browser.GetAsync("/signin");
        }

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 11; i++)
        {
            answers.Add((await browser.SignInAsync("fgj.handler", $"guess-{i}")).StatusCode);
        }
        // A wrong password shows the form again (200); the eleventh post in the minute is refused.
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, 10).Append(HttpStatusCode.TooManyRequests), answers);
    }

    [SkippableFact]
    public async Task Unlock_user_ends_the_lockout_of_the_last_administrator_from_every_address()
    {
        using var host = new ProposalsHost(Database);
        using var office = host.CreateClientFrom(Office);
        using var attacker = host.CreateClientFrom(Attacker);
        for (var i = 0; i < 5; i++)
        {
            await TokenAsync(office, $"guess-{i}", "admin");
            await TokenAsync(attacker, $"guess-{i}", "admin");
            host.Clock.Advance(TimeSpan.FromMinutes(1));
        }
        Assert.Contains("锁定", await DetailAsync(await TokenAsync(office, ApiClient.Password, "admin")), StringComparison.Ordinal);

        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await UnlockUserCommand.RunAsync(Database.Open(), "admin", migrate: true, output, error, CancellationToken.None);

        Assert.Equal((0, ""), (exit, error.ToString()));
        Assert.Contains("Unlocked admin", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, host.Scalar("SELECT COUNT(*) FROM sign_in_failures WHERE account = 'admin'"));
        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(office, ApiClient.Password, "admin")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(attacker, ApiClient.Password, "admin")).StatusCode);
    }

    [SkippableFact]
    public async Task Unlock_user_of_an_unknown_name_says_so_exits_1_and_changes_nothing()
    {
        using var host = new ProposalsHost(Database);
        using var attacker = host.CreateClientFrom(Attacker);
        for (var i = 0; i < 5; i++)
        {
            await TokenAsync(attacker, $"guess-{i}", "admin");
            host.Clock.Advance(TimeSpan.FromMinutes(1));
        }
        var before = host.Scalar("SELECT COUNT(*) FROM sign_in_failures WHERE locked_until IS NOT NULL");

        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await UnlockUserCommand.RunAsync(Database.Open(), "no.such.admin", migrate: true, output, error, CancellationToken.None);

        Assert.Equal(1, exit);
        Assert.Contains("no user named 'no.such.admin'", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, before);
        Assert.Equal(before, host.Scalar("SELECT COUNT(*) FROM sign_in_failures WHERE locked_until IS NOT NULL"));
        Assert.Contains("锁定", await DetailAsync(await TokenAsync(attacker, ApiClient.Password, "admin")), StringComparison.Ordinal);
    }
}
