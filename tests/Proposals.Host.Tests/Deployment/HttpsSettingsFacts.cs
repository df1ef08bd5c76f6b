using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Deployment;

/// <summary>The proxy and HTTPS settings: refused at start when malformed; redirect, HSTS and secure cookies when set.</summary>
public sealed class HttpsSettingsFacts : IDisposable
{
    private readonly SqliteTestDatabase _database = new();

    public void Dispose() => _database.Dispose();

    private static IEnumerable<string> Cookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [];

    [Fact]
    public void Malformed_proxy_and_https_settings_stop_the_start_naming_each_key_before_the_database_is_touched()
    {
        using var host = new ProposalsHost(_database, settings: new Dictionary<string, string?>
        {
            ["Proxy:KnownProxies"] = "10.0.0.5, 10.0.0.300",
            ["Proxy:KnownNetworks"] = "10.0.0.0/8; 10.0.0.1/8",
            ["Security:HttpsRedirect"] = "yes",
            ["Security:HstsMaxAgeDays"] = "a year",
            ["Proposals:PublicUrl"] = "proposals.example.gov.cn",
        });

        var failure = host.StartupFailure();

        Assert.Contains("Proxy:KnownProxies: '10.0.0.300' is not an IP address", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("'10.0.0.5'", failure, StringComparison.Ordinal);
        Assert.Contains("Proxy:KnownNetworks: '10.0.0.1/8' is not a network in CIDR notation", failure, StringComparison.Ordinal);
        Assert.Contains("Security:HttpsRedirect: 'yes' is not true or false", failure, StringComparison.Ordinal);
        Assert.Contains("Security:HstsMaxAgeDays: 'a year' is not a number of days", failure, StringComparison.Ordinal);
        Assert.Contains("Proposals:PublicUrl: 'proposals.example.gov.cn' is not an absolute http:// or https:// address", failure, StringComparison.Ordinal);
        Assert.Equal(0, _database.Scalar<long>("SELECT COUNT(*) FROM sqlite_master"));
    }

    [Fact]
    public void Redirecting_to_https_needs_an_https_public_url()
    {
        using var host = new ProposalsHost(_database, settings: new Dictionary<string, string?>
        {
            ["Security:HttpsRedirect"] = "true",
            ["Proposals:PublicUrl"] = "http://proposals.example.gov.cn",
        });

        Assert.Contains("Security:HttpsRedirect is true, so Proposals:PublicUrl must be the https:// address users reach", host.StartupFailure(), StringComparison.Ordinal);
        Assert.Equal(0, _database.Scalar<long>("SELECT COUNT(*) FROM sqlite_master"));
    }

    [Fact]
    public async Task Plain_http_is_redirected_to_the_public_https_address_and_https_answers_carry_hsts()
    {
        using var host = new ProposalsHost(_database, settings: new Dictionary<string, string?>
        {
            ["Security:HttpsRedirect"] = "true",
            ["Security:HstsMaxAgeDays"] = "365",
            ["Proposals:PublicUrl"] = "https://proposals.example.gov.cn:8443",
        });
        using var plain = host.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://proposals.example.gov.cn"), AllowAutoRedirect = false });
        using var secure = host.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://proposals.example.gov.cn"), AllowAutoRedirect = false });

        var redirected = await plain.GetAsync("/signin?returnUrl=%2F");
        var answered = await secure.GetAsync("/signin");

        Assert.Equal(HttpStatusCode.TemporaryRedirect, redirected.StatusCode);
        Assert.Equal(new Uri("https://proposals.example.gov.cn:8443/signin?returnUrl=%2F"), redirected.Headers.Location);
        Assert.False(redirected.Headers.Contains("Strict-Transport-Security"));
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal("max-age=31536000", Assert.Single(answered.Headers.GetValues("Strict-Transport-Security")));
    }

    [Fact]
    public async Task Without_those_settings_there_is_no_redirect_and_no_hsts()
    {
        using var host = new ProposalsHost(_database);
        using var plain = host.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://proposals.example.gov.cn"), AllowAutoRedirect = false });
        using var secure = host.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://proposals.example.gov.cn"), AllowAutoRedirect = false });

        Assert.Equal(HttpStatusCode.OK, (await plain.GetAsync("/signin")).StatusCode);
        Assert.False((await secure.GetAsync("/signin")).Headers.Contains("Strict-Transport-Security"));
    }

    [Theory]
    [InlineData("https://proposals.example.gov.cn", true)]
    [InlineData("http://proposals.example.gov.cn", false)]
    public async Task The_session_anti_forgery_and_language_cookies_are_secure_exactly_when_the_request_is_https(string baseAddress, bool secure)
    {
        using var host = new ProposalsHost(_database);
        using var client = host.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri(baseAddress), AllowAutoRedirect = false, HandleCookies = true });

        var form = await client.GetAsync("/signin");
        var page = await form.Content.ReadAsStringAsync();
        var signedIn = await client.PostAsync("/signin", new FormUrlEncodedContent(
            [new("username", "zfb.reviewer"), new("password", ApiClient.Password), new("returnUrl", "/"), new("__RequestVerificationToken", PageClient.AntiforgeryToken(page))]));
        var language = await client.GetAsync("/lang?to=en-US&returnUrl=%2F");

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var antiforgery = Assert.Single(Cookies(form), c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
        var session = Assert.Single(Cookies(signedIn), c => c.StartsWith("proposals_session=", StringComparison.Ordinal));
        var culture = Assert.Single(Cookies(language), c => c.StartsWith(".AspNetCore.Culture=", StringComparison.Ordinal));
        foreach (var cookie in new[] { antiforgery, session, culture })
        {
            Assert.True(secure == cookie.Contains("; secure", StringComparison.OrdinalIgnoreCase), cookie);
            Assert.Contains("; httponly", cookie, StringComparison.OrdinalIgnoreCase);
        }
    }
}
