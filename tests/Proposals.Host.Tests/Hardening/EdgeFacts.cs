using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Hardening;

/// <summary>What the edge answers to odd requests, the same on every database (run on SQLite).</summary>
public sealed class EdgeFacts() : ChainFacts(TestDatabases.Sqlite)
{
    [SkippableTheory]
    [InlineData("/%5Cevil.example")]
    [InlineData("/%5C%5Cevil.example")]
    [InlineData("/%09/evil.example")]
    [InlineData("/%0d%0a/evil.example")]
    [InlineData("//evil.example")]
    [InlineData("https://evil.example")]
    [InlineData("evil.example")]
    public async Task Switching_language_sends_a_non_local_return_address_home(string returnUrl)
    {
        using var browser = new PageClient(Host);

        var answer = await browser.Http.GetAsync($"/lang?to=en&returnUrl={returnUrl}");

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Equal("/", answer.Headers.Location!.OriginalString);
    }

    [SkippableFact]
    public async Task Switching_language_goes_back_to_a_local_page()
    {
        using var browser = new PageClient(Host);

        var answer = await browser.Http.GetAsync($"/lang?to=en&returnUrl={Uri.EscapeDataString("/proposals?stage=implementation")}");

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Equal("/proposals?stage=implementation", answer.Headers.Location!.OriginalString);
    }

    // Without the year's holidays loaded readiness is (rightly) degraded: these facts are about who sees what.
    private async Task LoadThisYearsCalendarAsync() =>
        (await C.Admin.Http.PostAsync("/api/calendar/import", new StringContent(File.ReadAllText(RepositoryPaths.File("db/calendars/cn-2026.csv")), System.Text.Encoding.UTF8, "text/csv"))).EnsureSuccessStatusCode();

    private async Task<JsonObject> ReadinessFromAsync(string address)
    {
        var context = await Host.Server.SendAsync(http =>
        {
            http.Request.Method = HttpMethods.Get;
            http.Request.Path = "/health/ready";
            http.Connection.RemoteIpAddress = IPAddress.Parse(address);
        });
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        return JsonNode.Parse(context.Response.Body)!.AsObject();
    }

    [SkippableFact]
    public async Task The_api_document_names_no_server_but_the_configured_public_address_whatever_the_host_header_says()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json");
        request.Headers.Host = "evil.example";
        var unconfigured = await C.Admin.Http.SendAsync(request);
        var text = await unconfigured.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, unconfigured.StatusCode);
        Assert.DoesNotContain("evil.example", text, StringComparison.Ordinal);
        Assert.Null(JsonNode.Parse(text)!["servers"]);

        using var configured = new ProposalsHost(Database, settings: new Dictionary<string, string?> { ["Proposals:PublicUrl"] = "https://proposals.example.gov.cn/" });
        using var admin = await configured.SignInAsync("admin");
        using var forged = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json");
        forged.Headers.Host = "evil.example";
        var document = JsonNode.Parse(await (await admin.Http.SendAsync(forged)).Content.ReadAsStringAsync())!;
        Assert.Equal(["https://proposals.example.gov.cn"], document["servers"]!.AsArray().Select(s => s!["url"]!.GetValue<string>()));
    }

    [SkippableFact]
    public async Task Readiness_tells_an_anonymous_caller_from_elsewhere_only_the_status()
    {
        await LoadThisYearsCalendarAsync();
        using var anonymous = Host.CreateClient();
        var unknownAddress = await ApiClient.Json(await anonymous.GetAsync("/health/ready"), HttpStatusCode.OK);
        var remote = await ReadinessFromAsync("203.0.113.7");
        var lead = await ApiClient.Json(await C.Lead.GetAsync("/health/ready"), HttpStatusCode.OK);

        foreach (var answer in new[] { unknownAddress, remote, lead })
        {
            Assert.Equal(["status"], answer.Select(p => p.Key));
            Assert.Equal("Healthy", answer["status"]!.GetValue<string>());
        }
    }

    [SkippableFact]
    public async Task Readiness_gives_its_checks_to_an_administrator_and_to_a_probe_on_this_machine()
    {
        await LoadThisYearsCalendarAsync();
        var admin = await ApiClient.Json(await C.Admin.GetAsync("/health/ready"), HttpStatusCode.OK);
        var loopback = await ReadinessFromAsync("127.0.0.1");

        foreach (var answer in new[] { admin, loopback })
        {
            Assert.Equal("Healthy", answer["status"]!.GetValue<string>());
            Assert.Equal(["calendar", "channels", "database", "outbox", "reminders", "smtp"], answer["checks"]!.AsObject().Select(p => p.Key).Order());
            Assert.Equal("Sqlite answers", answer["checks"]!["database"]!["description"]!.GetValue<string>());
        }
    }

    [SkippableFact]
    public async Task Personal_answers_are_never_stored_by_a_cache()
    {
        using var browser = new PageClient(Host);
        await browser.SignInAsync("fgj.handler");
        await C.DraftAsync();

        foreach (var answer in new[]
        {
            await C.Lead.GetAsync("/api/me"),
            await C.Committee.GetAsync("/api/proposals"),
            await C.Committee.GetAsync("/api/proposals/export.xlsx"),
            await C.Committee.GetAsync("/api/stats/export.xlsx?year=2026"),
            await browser.Http.GetAsync("/"),
            await browser.Http.GetAsync("/proposals"),
        })
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.True(answer.Headers.CacheControl?.NoStore, $"{answer.RequestMessage!.RequestUri} has Cache-Control: {answer.Headers.CacheControl}");
        }
    }
}

/// <summary>What only a real server shows: the headers Kestrel itself adds.</summary>
public sealed class KestrelEdgeFacts : DatabaseFacts
{
    public KestrelEdgeFacts() : base(TestDatabases.Sqlite)
    {
    }

    [SkippableFact]
    public async Task No_answer_names_the_server_software()
    {
        using var host = new ProposalsHost(Database);
        host.UseKestrel(0);
        host.StartServer();
        using var client = new HttpClient { BaseAddress = host.ClientOptions.BaseAddress };

        foreach (var url in new[] { "/health/live", "/signin", "/api/me", "/no-such-page" })
        {
            var answer = await client.GetAsync(url);
            Assert.False(answer.Headers.Contains("Server"), $"{url} names the server: {string.Join(", ", answer.Headers.Server)}");
        }
    }
}
