using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Proposals.Host.Auth;

/// <summary>
/// Bearer tokens are opaque and looked up in the database on every request, so that a revoked token or a
/// deactivated user is refused at once on every host, with nothing to wait for.
/// </summary>
internal sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    Sessions sessions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }
        var token = header["Bearer ".Length..].Trim();
        var (principal, failure) = await sessions.AuthenticateAsync(token, SchemeName, Context.RequestAborted);
        if (principal is null)
        {
            return AuthenticateResult.Fail(failure!);
        }
        Context.Items[nameof(TokenAuthenticationHandler)] = token;
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await Results.Problem(title: "未登录或凭据无效", detail: "需要有效的访问令牌：先调用 POST /api/auth/token", statusCode: 401).ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await Results.Problem(title: "无权操作", detail: "当前用户的角色不能访问此资源", statusCode: 403).ExecuteAsync(Context);
    }

    /// <summary>The raw token of the current request, for sign-out.</summary>
    public static string? CurrentToken(HttpContext context) => context.Items[nameof(TokenAuthenticationHandler)] as string;
}
