using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Proposals.Host.Tests.Infrastructure;
using Proposals.Host.Tests.Statistics;

namespace Proposals.Host.Tests.Admin;

public sealed class AdministrationFactsOnSqlite() : AdministrationFacts(TestDatabases.Sqlite);

public sealed class AdministrationFactsOnPostgres() : AdministrationFacts(TestDatabases.Postgres);

public sealed class AdministrationFactsOnSqlServer() : AdministrationFacts(TestDatabases.SqlServer);

public abstract class AdministrationFacts(Func<TestDatabase> database) : ChainFacts(database)
{
    private const string NewPassword = "Changed-password-9";

    private string UserCounts() => $"users={Host.Scalar("SELECT COUNT(*) FROM users")}, roles={Host.Scalar("SELECT COUNT(*) FROM user_roles")}, organizations={Host.Scalar("SELECT COUNT(*) FROM organizations")}";

    [SkippableFact]
    public async Task The_administrator_sets_up_an_organisation_and_a_user_who_must_change_the_temporary_password()
    {
        var organization = await ApiClient.Json(await C.Admin.PostAsync("/api/admin/organizations", new { code = "wlj", name = "文旅局", kind = "department" }), HttpStatusCode.Created);
        var created = await ApiClient.Json(await C.Admin.PostAsync("/api/admin/users", new
        {
            username = "wlj.handler", displayName = "文旅局经办人", organizationId = organization["id"]!.GetValue<long>(), roles = new[] { "department" },
        }), HttpStatusCode.Created);
        var temporary = created["temporaryPassword"]!.GetValue<string>();
        Assert.True(created["user"]!["mustChangePassword"]!.GetValue<bool>());
        Assert.Equal("文旅局", created["user"]!["organization"]!["name"]!.GetValue<string>());

        using var client = Host.CreateClient();
        var first = await client.PostAsJsonAsync("/api/auth/token", new { username = "wlj.handler", password = temporary });
        Assert.Equal(HttpStatusCode.Forbidden, first.StatusCode);
        var change = await client.PostAsJsonAsync("/api/auth/password", new { username = "wlj.handler", currentPassword = temporary, newPassword = NewPassword });
        Assert.Equal(HttpStatusCode.NoContent, change.StatusCode);
        var token = await ApiClient.Json(await client.PostAsJsonAsync("/api/auth/token", new { username = "wlj.handler", password = NewPassword }), HttpStatusCode.OK);
        Assert.Equal("department", token["user"]!["organization"]!["kind"]?.GetValue<string>() ?? "department");

        // The new department can be assigned work at once.
        var id = await C.SubmittedAsync();
        await C.Government.ActAsync(id, "adopt", new { leadDepartmentId = organization["id"]!.GetValue<long>() });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token["accessToken"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/proposals/{id}")).StatusCode);
    }

    [SkippableFact]
    public async Task Only_the_administrator_reaches_the_administration_routes()
    {
        var routes = new (HttpMethod Method, string Url)[]
        {
            (HttpMethod.Get, "/api/admin/organizations"), (HttpMethod.Post, "/api/admin/organizations"), (HttpMethod.Put, "/api/admin/organizations/1"),
            (HttpMethod.Delete, "/api/admin/organizations/1"), (HttpMethod.Get, "/api/admin/users"), (HttpMethod.Post, "/api/admin/users"),
            (HttpMethod.Put, "/api/admin/users/1"), (HttpMethod.Post, "/api/admin/users/1/password-reset"), (HttpMethod.Post, "/api/admin/users/1/unlock"),
            (HttpMethod.Post, "/api/admin/import/users?dryRun=true"),
        };
        var before = UserCounts();
        foreach (var user in C.Users.Values.Where(u => u.Username != "admin"))
        {
            foreach (var (method, url) in routes)
            {
                var response = await user.Http.SendAsync(new HttpRequestMessage(method, url) { Content = JsonContent.Create(new { }) });
                Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{user.Username} {method} {url}: {(int)response.StatusCode}");
            }
        }
        using var anonymous = Host.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/admin/users")).StatusCode);
        Assert.Equal(before, UserCounts());
    }

    [SkippableFact]
    public async Task Bad_organisations_and_users_are_refused_naming_the_field_and_nothing_is_written()
    {
        var before = UserCounts();
        var org = C.Org("fgj");
        var cases = new (string Url, object Body, string Field)[]
        {
            ("/api/admin/organizations", new { code = "Bad Code", name = "某局", kind = "department" }, "code"),
            ("/api/admin/organizations", new { code = "fgj", name = "重复", kind = "department" }, "code"),
            ("/api/admin/organizations", new { code = "xyz", name = "某局", kind = "ministry" }, "kind"),
            ("/api/admin/organizations", new { code = "xyz", name = "", kind = "department" }, "name"),
            ("/api/admin/organizations", new { code = "xyz", name = "某局", kind = "department", parentId = 987654 }, "parentId"),
            ("/api/admin/users", new { username = "x", displayName = "某人", organizationId = org, roles = new[] { "department" } }, "username"),
            ("/api/admin/users", new { username = "fgj.handler", displayName = "重名", organizationId = org, roles = new[] { "department" } }, "username"),
            ("/api/admin/users", new { username = "fgj.two", displayName = "某人", organizationId = org, roles = Array.Empty<string>() }, "roles"),
            ("/api/admin/users", new { username = "fgj.two", displayName = "某人", organizationId = org, roles = new[] { "party-admin" } }, "roles"),
            ("/api/admin/users", new { username = "fgj.two", displayName = "某人", organizationId = org, roles = new[] { "emperor" } }, "roles"),
            ("/api/admin/users", new { username = "fgj.two", displayName = "某人", organizationId = 987654, roles = new[] { "department" } }, "organizationId"),
            ("/api/admin/users", new { username = "fgj.two", displayName = "某人", organizationId = org, roles = new[] { "department" }, password = "short" }, "password"),
        };
        foreach (var (url, body, field) in cases)
        {
            var response = await C.Admin.PostAsync(url, body);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == (HttpStatusCode)422, $"{url} {System.Text.Json.JsonSerializer.Serialize(body)}: {(int)response.StatusCode} {text}");
            Assert.Contains($"\"{field}\"", text, StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await C.Admin.PostRawAsync("/api/admin/users", "{\"username\": ")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await C.Admin.PostRawAsync("/api/admin/organizations", "{\"code\": 5}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await C.Admin.PutAsync("/api/admin/users/987654", new { displayName = "无人" })).StatusCode);
        Assert.Equal(before, UserCounts());
    }

    [SkippableFact]
    public async Task A_deactivated_user_is_refused_at_once_and_a_password_reset_signs_the_user_out_everywhere()
    {
        var lead = C.Lead;
        var id = lead.Me["id"]!.GetValue<long>();
        var off = await ApiClient.Json(await C.Admin.PutAsync($"/api/admin/users/{id}", new { active = false }), HttpStatusCode.OK);
        Assert.False(off["active"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.Unauthorized, (await lead.GetAsync("/api/me")).StatusCode);
        using var client = Host.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/auth/token", new { username = lead.Username, password = ApiClient.Password })).StatusCode);

        await ApiClient.Json(await C.Admin.PutAsync($"/api/admin/users/{id}", new { active = true }), HttpStatusCode.OK);
        await lead.SignInAsync();
        var reset = await ApiClient.Json(await C.Admin.PostAsync($"/api/admin/users/{id}/password-reset", null), HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Unauthorized, (await lead.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/auth/token", new { username = lead.Username, password = ApiClient.Password })).StatusCode);
        var temporary = reset["temporaryPassword"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/auth/token", new { username = lead.Username, password = temporary })).StatusCode);

        // The administrator may not lock themselves out.
        var self = C.Admin.Me["id"]!.GetValue<long>();
        await StatisticsFacts.AssertProblemAsync(await C.Admin.PutAsync($"/api/admin/users/{self}", new { active = false }), (HttpStatusCode)422, "不能停用自己的账号");
        await StatisticsFacts.AssertProblemAsync(await C.Admin.PutAsync($"/api/admin/users/{self}", new { roles = new[] { "committee" } }), (HttpStatusCode)422, "roles");
    }

    [SkippableFact]
    public async Task Deactivating_an_organisation_ends_its_users_sessions_for_good()
    {
        var lead = C.Lead;
        var organization = lead.OrganizationId;
        Assert.Equal(HttpStatusCode.OK, (await lead.GetAsync("/api/me")).StatusCode);

        await ApiClient.Json(await C.Admin.PutAsync($"/api/admin/organizations/{organization}", new { active = false }), HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Unauthorized, (await lead.GetAsync("/api/me")).StatusCode);

        await ApiClient.Json(await C.Admin.PutAsync($"/api/admin/organizations/{organization}", new { active = true }), HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Unauthorized, (await lead.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await C.Co1.GetAsync("/api/me")).StatusCode);

        await lead.SignInAsync();
        Assert.Equal(HttpStatusCode.OK, (await lead.GetAsync("/api/me")).StatusCode);
    }

    [SkippableFact]
    public async Task The_administrator_ends_a_lockout_before_its_time()
    {
        // Not the address the chain's users signed in from: that one is theirs, and is never locked out.
        using var client = Host.CreateClientFrom("203.0.113.9");
        for (var i = 0; i < 5; i++)
        {
            await client.PostAsJsonAsync("/api/auth/token", new { username = "jyj.handler", password = "wrong-password-1" });
            // Past the growing wait between attempts, so that each wrong password is counted.
            Host.Clock.Advance(TimeSpan.FromMinutes(1));
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/auth/token", new { username = "jyj.handler", password = ApiClient.Password })).StatusCode);
        var users = await ApiClient.JsonArray(await C.Admin.GetAsync("/api/admin/users"), HttpStatusCode.OK);
        var locked = users.Single(u => u!["username"]!.GetValue<string>() == "jyj.handler")!;
        Assert.NotNull(locked["lockedUntil"]);
        Assert.Equal(1, Host.Scalar("SELECT COUNT(*) FROM sign_in_failures WHERE account = 'jyj.handler'"));

        Assert.Equal(HttpStatusCode.NoContent, (await C.Admin.PostAsync($"/api/admin/users/{locked["id"]!.GetValue<long>()}/unlock", null)).StatusCode);
        Assert.Equal(0, Host.Scalar("SELECT COUNT(*) FROM sign_in_failures WHERE account = 'jyj.handler'"));

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/auth/token", new { username = "jyj.handler", password = ApiClient.Password })).StatusCode);
    }

    [SkippableFact]
    public async Task An_organisation_in_use_is_never_deleted_but_may_be_deactivated_and_an_unused_one_is_deleted()
    {
        var fgj = C.Org("fgj");
        await StatisticsFacts.AssertProblemAsync(await C.Admin.Http.DeleteAsync($"/api/admin/organizations/{fgj}"), HttpStatusCode.Conflict, "停用");
        var off = await ApiClient.Json(await C.Admin.PutAsync($"/api/admin/organizations/{fgj}", new { active = false }), HttpStatusCode.OK);
        Assert.False(off["active"]!.GetValue<bool>());
        Assert.Equal(1, Host.Scalar($"SELECT COUNT(*) FROM organizations WHERE id = {fgj}"));

        var unused = await ApiClient.Json(await C.Admin.PostAsync("/api/admin/organizations", new { code = "tmp", name = "临时单位", kind = "department", parentId = C.Org("zfb") }), HttpStatusCode.Created);
        var id = unused["id"]!.GetValue<long>();
        await StatisticsFacts.AssertProblemAsync(await C.Admin.PutAsync($"/api/admin/organizations/{C.Org("zfb")}", new { parentId = id }), (HttpStatusCode)422, "下级单位");
        Assert.Equal(HttpStatusCode.NoContent, (await C.Admin.Http.DeleteAsync($"/api/admin/organizations/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await C.Admin.Http.DeleteAsync($"/api/admin/organizations/{id}")).StatusCode);
    }

    [SkippableFact]
    public async Task Text_that_looks_like_markup_sql_or_a_formula_is_stored_and_shown_as_plain_text()
    {
        string[] attempts = ["<script>alert('x')</script>局", "'; DROP TABLE users; --", "=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0"];
        foreach (var (attempt, i) in attempts.Select((a, i) => (a, i)))
        {
            var created = await ApiClient.Json(await C.Admin.PostAsync("/api/admin/organizations", new { code = $"inj{i}", name = attempt, kind = "department" }), HttpStatusCode.Created);
            Assert.Equal(attempt, created["name"]!.GetValue<string>());
        }
        Assert.True(Host.Scalar("SELECT COUNT(*) FROM users") > 5);
        var listed = await ApiClient.JsonArray(await C.Committee.GetAsync("/api/organizations"), HttpStatusCode.OK);
        Assert.Equal(attempts, listed.Where(o => o!["code"]!.GetValue<string>().StartsWith("inj", StringComparison.Ordinal)).Select(o => o!["name"]!.GetValue<string>()).ToArray());
        using var browser = new PageClient(Host);
        await browser.SignInAsync("admin");
        var page = await browser.GetAsync("/admin");
        Assert.DoesNotContain("<script>alert('x')</script>", page, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", page, StringComparison.Ordinal);
        var filtered = await C.Committee.GetJsonAsync("/api/proposals?q=%27%3B%20DROP%20TABLE%20proposals%3B%20--");
        Assert.Equal(0, filtered["total"]!.GetValue<int>());
    }
}
