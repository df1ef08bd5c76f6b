using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Startup;

public sealed class InitialAdministratorFactsOnSqlite() : InitialAdministratorFacts(TestDatabases.Sqlite);

public sealed class InitialAdministratorFactsOnPostgres() : InitialAdministratorFacts(TestDatabases.Postgres);

public sealed class InitialAdministratorFactsOnSqlServer() : InitialAdministratorFacts(TestDatabases.SqlServer);

/// <summary>A first start without demo data: one administrator, who must choose their own password before anything else.</summary>
public abstract class InitialAdministratorFacts(Func<TestDatabase> database) : DatabaseFacts(database)
{
    private static readonly Dictionary<string, string?> NoDemo = new() { ["Proposals:Demo"] = "false" };

    private static Task<HttpResponseMessage> TokenAsync(HttpClient client, string password) =>
        client.PostAsJsonAsync("/api/auth/token", new { username = "admin", password });

    private static Task<HttpResponseMessage> ChangeAsync(HttpClient client, string current, string next) =>
        client.PostAsJsonAsync("/api/auth/password", new { username = "admin", currentPassword = current, newPassword = next });

    [SkippableFact]
    public async Task The_first_start_creates_one_administrator_prints_its_password_once_and_makes_it_choose_its_own()
    {
        string printed;
        using (var host = new ProposalsHost(Database, settings: NoDemo))
        {
            using var client = host.CreateClient();
            printed = Regex.Match(host.OperatorOutput.ToString(), "password '([^']+)'").Groups[1].Value;
            Assert.Equal(20, printed.Length);
            Assert.DoesNotContain(printed, host.Log.Text, StringComparison.Ordinal);
            Assert.Equal(1, host.Scalar("SELECT COUNT(*) FROM users WHERE active = TRUE".Replace("TRUE", Database.Provider == Data.DatabaseProvider.SqlServer ? "1" : "TRUE", StringComparison.Ordinal)));

            var first = await TokenAsync(client, printed);
            Assert.Equal(HttpStatusCode.Forbidden, first.StatusCode);
            Assert.Contains("/api/auth/password", await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            var weak = await ChangeAsync(client, printed, "short");
            Assert.Equal(HttpStatusCode.UnprocessableEntity, weak.StatusCode);
            Assert.Contains("newPassword", await weak.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, (await ChangeAsync(client, printed, "onlyletterslong")).StatusCode);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, (await ChangeAsync(client, printed, "admin-2026-pass")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await ChangeAsync(client, "wrong-password", "Str0ng-and-long")).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await ChangeAsync(client, printed, "Str0ng-and-long")).StatusCode);

            Assert.Equal(HttpStatusCode.Unauthorized, (await TokenAsync(client, printed)).StatusCode);
            var token = await ApiClient.Json(await TokenAsync(client, "Str0ng-and-long"), HttpStatusCode.OK);
            Assert.Contains("admin", token["user"]!["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
        }

        using var again = new ProposalsHost(Database, settings: NoDemo);
        using var second = again.CreateClient();
        Assert.Equal("", again.OperatorOutput.ToString());
        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(second, "Str0ng-and-long")).StatusCode);
    }

    [SkippableFact]
    public async Task A_configured_initial_password_is_never_printed_and_the_sign_in_page_asks_for_a_new_one()
    {
        using var host = new ProposalsHost(Database, settings: new Dictionary<string, string?> { ["Proposals:Demo"] = "false", ["Proposals:InitialAdminPassword"] = "Given-by-ops-1" });
        using var browser = new PageClient(host);

        var page = await browser.SignInAsync("admin", "Given-by-ops-1");
        Assert.DoesNotContain("Given-by-ops-1", host.OperatorOutput.ToString(), StringComparison.Ordinal);
        Assert.Contains("Proposals:InitialAdminPassword", host.OperatorOutput.ToString(), StringComparison.Ordinal);
        var form = await page.Content.ReadAsStringAsync();
        Assert.Contains("id=\"change-password-needed\"", form, StringComparison.Ordinal);

        var mismatch = await browser.PostFormAsync("/signin?handler=ChangePassword", form,
            [new("username", "admin"), new("currentPassword", "Given-by-ops-1"), new("newPassword", "Mine-now-2026"), new("repeatPassword", "Mine-now-2027")]);
        Assert.Contains("两次输入的新密码不一致", await mismatch.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var changed = await browser.PostFormAsync("/signin?handler=ChangePassword", form,
            [new("username", "admin"), new("currentPassword", "Given-by-ops-1"), new("newPassword", "Mine-now-2026"), new("repeatPassword", "Mine-now-2026"), new("returnUrl", "/workflows")]);
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Equal("/workflows", changed.Headers.Location!.OriginalString);
        Assert.Contains("系统管理员", await browser.GetAsync("/workflows"), StringComparison.Ordinal);
    }
}
