using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Proposals.Host.Auth;

/// <summary>
/// The pages' sign-in: the same opaque token as the API's, carried in an HTTP-only, same-site cookie, and checked in
/// the database on every request. Someone not signed in is sent to the sign-in page and brought back afterwards.
/// </summary>
internal sealed class SessionCookieHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    Sessions sessions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Session";
    public const string CookieName = "proposals_session";
    public const string SignInPath = "/signin";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Cookies.TryGetValue(CookieName, out var token) || string.IsNullOrEmpty(token))
        {
            return AuthenticateResult.NoResult();
        }
        var (principal, failure) = await sessions.AuthenticateAsync(token, SchemeName, Context.RequestAborted);
        if (principal is null)
        {
            return AuthenticateResult.Fail(failure!);
        }
        Context.Items[nameof(SessionCookieHandler)] = token;
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var back = Request.PathBase + Request.Path + Request.QueryString;
        Response.Redirect($"{SignInPath}?returnUrl={Uri.EscapeDataString(back)}");
        return Task.CompletedTask;
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        Response.ContentType = "text/plain; charset=utf-8";
        await Response.WriteAsync("无权访问此页面 / You may not open this page.");
    }

    /// <summary>Starts a browser session with a token just issued, kept by the browser as long as the token lives.</summary>
    public static void Start(HttpResponse response, string token, TimeSpan lifetime) =>
        response.Cookies.Append(CookieName, token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = response.HttpContext.Request.IsHttps,
            Path = "/",
            // Relative, so that the browser's clock and the server's need not agree; the server checks the token anyway.
            MaxAge = lifetime,
            IsEssential = true,
        });

    public static void End(HttpResponse response) => response.Cookies.Delete(CookieName, new CookieOptions { Path = "/" });

    /// <summary>The raw token of the current page request, for signing out.</summary>
    public static string? CurrentToken(HttpContext context) => context.Items[nameof(SessionCookieHandler)] as string;
}
