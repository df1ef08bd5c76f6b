using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Auth;

/// <summary>
/// Sign-in through a central identity provider with OpenID Connect, against a small provider of the test's own on
/// 127.0.0.1 that publishes its metadata and keys, redeems codes and signs ID tokens with RS256, as a real one does.
/// </summary>
public sealed class OidcFacts : IAsyncLifetime
{
    private const string ClientId = "proposals";
    private readonly TestDatabase _database = TestDatabases.Sqlite();
    private FakeIdentityProvider _provider = null!;
    private ProposalsHost _host = null!;

    public async Task InitializeAsync()
    {
        _provider = await FakeIdentityProvider.StartAsync(ClientId);
        // The handler's cookies and the provider's tokens both carry times: the host's clock runs at the real time here.
        _host = new ProposalsHost(_database, start: DateTimeOffset.UtcNow, settings: new Dictionary<string, string?>
        {
            ["Authentication:Oidc:Authority"] = _provider.Url,
            ["Authentication:Oidc:ClientId"] = ClientId,
            ["Authentication:Oidc:ClientSecret"] = "client-secret",
            ["Authentication:Oidc:RequireHttpsMetadata"] = "false",
            ["Authentication:Oidc:ButtonText"] = "市统一身份认证",
        });
    }

    public async Task DisposeAsync()
    {
        _host.Dispose();
        await _provider.DisposeAsync();
        _database.Dispose();
    }

    // HTTPS, as the provider's answer comes back across sites and its cookies are only kept on secure connections.
    private HttpClient Browser() => _host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = new Uri("https://localhost") });

    /// <summary>Goes to the provider from the sign-in button and comes back with a code for <paramref name="username"/>.</summary>
    private async Task<HttpResponseMessage> SignInThroughProviderAsync(HttpClient browser, string username, string returnUrl)
    {
        var challenge = await browser.GetAsync($"/signin/oidc?returnUrl={Uri.EscapeDataString(returnUrl)}");
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        var authorize = challenge.Headers.Location!;
        Assert.StartsWith(_provider.Url + "/authorize", authorize.ToString(), StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(authorize.Query);
        Assert.Equal(ClientId, query["client_id"].ToString());
        Assert.Equal("code", query["response_type"].ToString());
        Assert.Equal("S256", query["code_challenge_method"].ToString());
        Assert.EndsWith("/signin-oidc", query["redirect_uri"].ToString(), StringComparison.Ordinal);
        var code = _provider.IssueCode(username, query["nonce"].ToString());
        return await browser.PostAsync("/signin-oidc", new FormUrlEncodedContent(new Dictionary<string, string> { ["code"] = code, ["state"] = query["state"].ToString() }));
    }

    [Fact]
    public async Task A_user_the_provider_vouches_for_gets_the_services_own_session_with_their_local_roles()
    {
        using var browser = Browser();
        var signInPage = await (await browser.GetAsync("/signin")).Content.ReadAsStringAsync();
        Assert.Contains("市统一身份认证", signInPage, StringComparison.Ordinal);

        var callback = await SignInThroughProviderAsync(browser, "dcs.supervisor", "/supervision");

        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.True(callback.Headers.Location!.ToString() == "/supervision", $"{callback.Headers.Location}: {_host.Log.Text}");
        Assert.Contains(callback.Headers.GetValues("Set-Cookie"), c => c.StartsWith("proposals_session=", StringComparison.Ordinal));
        var board = await browser.GetAsync("/supervision");
        Assert.Equal(HttpStatusCode.OK, board.StatusCode);
        Assert.Contains("督查看板", await board.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, _provider.CodesRedeemed);
    }

    [Fact]
    public async Task A_name_the_service_does_not_know_or_has_deactivated_is_not_signed_in()
    {
        using var browser = Browser();

        var callback = await SignInThroughProviderAsync(browser, "stranger", "/");

        Assert.Equal("/signin?external=unknown", callback.Headers.Location!.ToString());
        Assert.DoesNotContain(callback.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith("proposals_session=", StringComparison.Ordinal));
        Assert.Contains("未在本系统登记或已停用", await (await browser.GetAsync("/signin?external=unknown")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/supervision")).StatusCode);
    }

    [Fact]
    public async Task A_forged_callback_without_the_providers_answer_signs_nobody_in()
    {
        using var browser = Browser();
        await browser.GetAsync("/signin/oidc?returnUrl=/");

        var forged = await browser.PostAsync("/signin-oidc", new FormUrlEncodedContent(new Dictionary<string, string> { ["code"] = "made-up", ["state"] = "made-up" }));

        Assert.Equal("/signin?external=failed", forged.Headers.Location!.ToString());
        Assert.Equal(0, _provider.CodesRedeemed);
    }

    [Fact]
    public void Settings_that_cannot_work_stop_the_start_naming_the_key()
    {
        using var database = TestDatabases.Sqlite();
        using var host = new ProposalsHost(database, settings: new Dictionary<string, string?> { ["Authentication:Oidc:Authority"] = "ftp://idp.example" });

        var failure = host.StartupFailure();

        Assert.Contains("Authentication:Oidc:Authority must be an absolute https URL", failure, StringComparison.Ordinal);
        Assert.Contains("Authentication:Oidc:ClientId is required", failure, StringComparison.Ordinal);
    }
}

/// <summary>An OpenID Connect provider reduced to what sign-in uses: discovery, keys, and a token endpoint for codes the test issues.</summary>
internal sealed class FakeIdentityProvider : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RSA _key = RSA.Create(2048);
    private readonly string _clientId;
    private readonly Dictionary<string, (string Username, string Nonce)> _codes = [];
    private int _redeemed;

    private FakeIdentityProvider(string clientId)
    {
        _clientId = clientId;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Url, ["authorization_endpoint"] = Url + "/authorize", ["token_endpoint"] = Url + "/token", ["jwks_uri"] = Url + "/jwks",
            ["response_types_supported"] = new[] { "code" }, ["subject_types_supported"] = new[] { "public" }, ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        }));
        _app.MapGet("/jwks", () =>
        {
            var parameters = _key.ExportParameters(false);
            return Results.Json(new { keys = new[] { new { kty = "RSA", use = "sig", alg = "RS256", kid = "test-key", n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) } } });
        });
        _app.MapPost("/token", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            if (!_codes.Remove(form["code"].ToString(), out var grant) || string.IsNullOrEmpty(form["code_verifier"]))
            {
                return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
            }
            Interlocked.Increment(ref _redeemed);
            return Results.Json(new { id_token = IdToken(grant.Username, grant.Nonce), access_token = "access", token_type = "Bearer", expires_in = 300 });
        });
    }

    public static async Task<FakeIdentityProvider> StartAsync(string clientId)
    {
        var provider = new FakeIdentityProvider(clientId);
        await provider._app.StartAsync();
        return provider;
    }

    public string Url => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/');

    public int CodesRedeemed => _redeemed;

    public string IssueCode(string username, string nonce)
    {
        var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        _codes[code] = (username, nonce);
        return code;
    }

    private string IdToken(string username, string nonce) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Url,
        Audience = _clientId,
        IssuedAt = DateTime.UtcNow,
        NotBefore = DateTime.UtcNow.AddMinutes(-1),
        Expires = DateTime.UtcNow.AddMinutes(5),
        Claims = new Dictionary<string, object> { ["sub"] = "id-" + username, ["preferred_username"] = username, ["nonce"] = nonce },
        SigningCredentials = new SigningCredentials(new RsaSecurityKey(_key) { KeyId = "test-key" }, SecurityAlgorithms.RsaSha256),
    });

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _key.Dispose();
    }
}
