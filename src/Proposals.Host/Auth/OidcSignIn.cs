using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;

namespace Proposals.Host.Auth;

/// <summary>
/// Optional sign-in through a city's central identity provider (统一身份认证) with OpenID Connect, configured under
/// <c>Authentication:Oidc</c>: <c>Authority</c>, <c>ClientId</c>, <c>ClientSecret</c> (from the environment), <c>Scopes</c>,
/// <c>UsernameClaim</c> (default <c>preferred_username</c>) and <c>ButtonText</c>. The provider proves who someone is; the
/// service still decides what they may do: the claim must name an active local user of an active organisation, whose
/// roles apply. The result is the same session as a password sign-in, so revoking and deactivating work alike.
/// </summary>
internal static class OidcSignIn
{
    public const string SchemeName = "oidc";
    public const string Section = "Authentication:Oidc";
    public const string StartPath = "/signin/oidc";
    public const string CallbackPath = "/signin-oidc";

    public static bool Enabled(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration[$"{Section}:Authority"]);

    public static string ButtonText(IConfiguration configuration) => configuration[$"{Section}:ButtonText"] is { Length: > 0 } text ? text : "统一身份认证登录";

    /// <summary>What is wrong with the settings, each naming its key; none when OpenID Connect is not configured.</summary>
    public static IEnumerable<string> Problems(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!Enabled(configuration))
        {
            yield break;
        }
        var authority = configuration[$"{Section}:Authority"];
        var requireHttps = configuration.GetValue($"{Section}:RequireHttpsMetadata", true);
        if (!Uri.TryCreate(authority, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && (requireHttps || uri.Scheme != Uri.UriSchemeHttp)))
        {
            yield return $"{Section}:Authority must be an absolute https URL (http only with {Section}:RequireHttpsMetadata=false), not '{authority}'";
        }
        if (string.IsNullOrWhiteSpace(configuration[$"{Section}:ClientId"]))
        {
            yield return $"{Section}:ClientId is required when {Section}:Authority is set";
        }
    }

    public static AuthenticationBuilder AddOidcSignIn(this AuthenticationBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        if (!Enabled(configuration))
        {
            return builder;
        }
        var usernameClaim = configuration[$"{Section}:UsernameClaim"] is { Length: > 0 } claim ? claim : "preferred_username";
        return builder.AddOpenIdConnect(SchemeName, options =>
        {
            options.Authority = configuration[$"{Section}:Authority"];
            options.ClientId = configuration[$"{Section}:ClientId"];
            options.ClientSecret = configuration[$"{Section}:ClientSecret"];
            options.RequireHttpsMetadata = configuration.GetValue($"{Section}:RequireHttpsMetadata", true);
            options.ResponseType = "code";
            options.UsePkce = true;
            options.CallbackPath = CallbackPath;
            options.MapInboundClaims = false;
            options.SaveTokens = false;
            options.Scope.Clear();
            foreach (var scope in configuration.GetSection($"{Section}:Scopes").Get<string[]>() ?? ["openid", "profile"])
            {
                options.Scope.Add(scope);
            }
            // The session is ours: the handler never signs in a cookie of its own, it hands over in OnTokenValidated.
            options.SignInScheme = SessionCookieHandler.SchemeName;
            options.Events.OnTokenValidated = context => StartSessionAsync(context, usernameClaim);
            options.Events.OnRemoteFailure = context =>
            {
                context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OidcSignIn))
                    .LogWarning("OpenID Connect sign-in did not complete: {Reason}", context.Failure?.Message);
                context.Response.Redirect($"{SessionCookieHandler.SignInPath}?external=failed");
                context.HandleResponse();
                return Task.CompletedTask;
            };
        });
    }

    /// <summary>Starts a challenge at the provider, coming back to a local address only.</summary>
    public static IResult Start(HttpContext http, string? returnUrl)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (!Enabled(http.RequestServices.GetRequiredService<IConfiguration>()))
        {
            return TypedResults.NotFound();
        }
        return TypedResults.Challenge(new AuthenticationProperties { RedirectUri = Http.LocalUrl.OrHome(returnUrl) }, [SchemeName]);
    }

    private static async Task StartSessionAsync(Microsoft.AspNetCore.Authentication.OpenIdConnect.TokenValidatedContext context, string usernameClaim)
    {
        var sessions = context.HttpContext.RequestServices.GetRequiredService<Sessions>();
        var time = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
        var username = context.Principal?.FindFirst(usernameClaim)?.Value;
        var session = string.IsNullOrWhiteSpace(username) ? null : await sessions.SignInVerifiedAsync(username, context.HttpContext.RequestAborted);
        if (session is null)
        {
            context.Response.Redirect($"{SessionCookieHandler.SignInPath}?external=unknown");
        }
        else
        {
            SessionCookieHandler.Start(context.Response, session.Token.Token, session.Token.ExpiresAt - time.GetUtcNow());
            context.Response.Redirect(Http.LocalUrl.OrHome(context.Properties?.RedirectUri));
        }
        context.HandleResponse();
    }
}
