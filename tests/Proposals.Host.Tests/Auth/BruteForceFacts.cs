using System.Net;
using System.Net.Http.Json;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Auth;

public sealed class BruteForceFactsOnSqlite() : BruteForceFacts(TestDatabases.Sqlite);

public sealed class BruteForceFactsOnPostgres() : BruteForceFacts(TestDatabases.Postgres);

public sealed class BruteForceFactsOnSqlServer() : BruteForceFacts(TestDatabases.SqlServer);

/// <summary>Guessing passwords: the account locks after repeated failures, and sign-in is rate limited per address.</summary>
public abstract class BruteForceFacts(Func<TestDatabase> database) : DatabaseFacts(database)
{
    private static Task<HttpResponseMessage> TokenAsync(HttpClient client, string password) =>
        client.PostAsJsonAsync("/api/auth/token", new { username = "fgj.handler", password });

    [SkippableFact]
    public async Task Five_wrong_passwords_lock_the_account_even_against_the_right_one_until_the_lockout_ends()
    {
        using var host = new ProposalsHost(Database);
        using var client = host.CreateClient();

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await TokenAsync(client, $"guess-{i}")).StatusCode);
        }
        var locked = await TokenAsync(client, ApiClient.Password);
        Assert.Equal(HttpStatusCode.Unauthorized, locked.StatusCode);
        Assert.Contains("锁定", await locked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var browser = new PageClient(host);
        Assert.Contains("锁定", await (await browser.SignInAsync("fgj.handler")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/auth/token", new { username = "jyj.handler", password = ApiClient.Password })).StatusCode);

        host.Clock.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(HttpStatusCode.Unauthorized, (await TokenAsync(client, ApiClient.Password)).StatusCode);
        host.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(client, ApiClient.Password)).StatusCode);

        // The right password ended the count: four more wrong ones do not lock it again.
        for (var i = 0; i < 4; i++)
        {
            await TokenAsync(client, $"again-{i}");
        }
        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(client, ApiClient.Password)).StatusCode);
    }

    [SkippableFact]
    public async Task Twenty_wrong_passwords_in_a_row_are_rate_limited_and_the_sign_in_page_too()
    {
        using var host = new ProposalsHost(Database, settings: new Dictionary<string, string?> { ["Security:SignInsPerMinute"] = "10" });
        using var client = host.CreateClient();

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 20; i++)
        {
            answers.Add((await TokenAsync(client, $"guess-{i}")).StatusCode);
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 10).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 10)), answers);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await TokenAsync(client, ApiClient.Password)).StatusCode);
        using var page = host.CreateClient();
        Assert.Equal(HttpStatusCode.TooManyRequests, (await page.GetAsync("/signin")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await page.GetAsync("/health/live")).StatusCode);
    }
}
