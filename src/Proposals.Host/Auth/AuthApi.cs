using Microsoft.AspNetCore.Http.HttpResults;
using Proposals.Data.Organizations;
using Proposals.Host.Http;

namespace Proposals.Host.Auth;

/// <summary>Sign-in for API clients, and who the caller is.</summary>
internal static class AuthApi
{
    public sealed record TokenRequest(string? Username, string? Password);

    public sealed record UserView(long Id, string Username, string DisplayName, IReadOnlyList<string> Roles, OrganizationView Organization);

    public sealed record OrganizationView(long Id, string Code, string Name, string Kind);

    public sealed record TokenResponse(string AccessToken, string TokenType, DateTimeOffset ExpiresAt, UserView User);

    public sealed record PasswordChangeRequest(string? Username, string? CurrentPassword, string? NewPassword);

    /// <summary>The longest user name a sign-in is checked for; user names themselves are at most 64 characters.</summary>
    public const int MaxFieldLength = 200;

    public const string LockedMessage = "密码错误次数过多，账户已暂时锁定，请稍后再试";

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Auth");
        group.MapPost("/auth/token", IssueTokenAsync).AllowAnonymous().RequireRateLimiting(Startup.ServiceRegistration.SignInRateLimit);
        group.MapPost("/auth/revoke", RevokeAsync);
        group.MapPost("/auth/password", ChangePasswordAsync).AllowAnonymous().RequireRateLimiting(Startup.ServiceRegistration.SignInRateLimit);
        group.MapGet("/me", MeAsync);
        app.MapGet(OidcSignIn.StartPath, (HttpContext http, string? returnUrl) => OidcSignIn.Start(http, returnUrl))
            .AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> IssueTokenAsync(
        HttpRequest request, Sessions sessions, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync<TokenRequest>(request, ApiJson.Options, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(body!.Username))
        {
            errors["username"] = ["必须填写用户名"];
        }
        else if (body.Username.Length > MaxFieldLength)
        {
            errors["username"] = [$"用户名最多 {MaxFieldLength} 个字符"];
        }
        if (string.IsNullOrEmpty(body.Password))
        {
            errors["password"] = ["必须填写密码"];
        }
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }
        var (session, mustChangePassword, throttle) = await sessions.TrySignInAsync(body.Username!, body.Password!, SignInSource.Of(request.HttpContext), cancellationToken);
        if (throttle is not null)
        {
            return Refusal(request.HttpContext.Response, throttle);
        }
        if (mustChangePassword)
        {
            return Problems.Forbidden("必须先修改初始密码：POST /api/auth/password，提供 username、currentPassword 和 newPassword");
        }
        if (session is null)
        {
            return Problems.Unauthorized("用户名或密码错误");
        }
        return TypedResults.Ok(new TokenResponse(session.Token.Token, "Bearer", session.Token.ExpiresAt, View(session.User, session.Organization)));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ChangePasswordAsync(HttpRequest request, Sessions sessions, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync<PasswordChangeRequest>(request, ApiJson.Options, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        var errors = new Dictionary<string, string[]>();
        foreach (var (field, value) in new[] { ("username", body!.Username), ("currentPassword", body.CurrentPassword), ("newPassword", body.NewPassword) })
        {
            if (string.IsNullOrEmpty(value))
            {
                errors[field] = ["必须填写"];
            }
        }
        if (body.Username is { Length: > MaxFieldLength })
        {
            errors["username"] = [$"用户名最多 {MaxFieldLength} 个字符"];
        }
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }
        var (verified, refusal, throttle) = await sessions.ChangePasswordAsync(body.Username!, body.CurrentPassword!, body.NewPassword!, SignInSource.Of(request.HttpContext), cancellationToken);
        if (throttle is not null)
        {
            return Refusal(request.HttpContext.Response, throttle);
        }
        if (!verified)
        {
            return Problems.Unauthorized("用户名或密码错误");
        }
        return refusal is null ? TypedResults.NoContent() : Problems.Validation("newPassword", refusal);
    }

    /// <summary>
    /// The answer to an attempt that was not checked: a locked-out address gets 401 with the lockout message, one that
    /// must slow down 429; both say in <c>Retry-After</c> when to try again. The same for every name, real or not.
    /// </summary>
    private static ProblemHttpResult Refusal(HttpResponse response, SignInThrottle throttle)
    {
        response.Headers.RetryAfter = throttle.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return throttle.Locked
            ? Problems.Unauthorized(LockedMessage)
            : Problems.TooManyRequests($"尝试过于频繁，请 {throttle.RetryAfterSeconds} 秒后再试");
    }

    private static async Task<NoContent> RevokeAsync(HttpContext context, Sessions sessions, CancellationToken cancellationToken)
    {
        if (TokenAuthenticationHandler.CurrentToken(context) is { } token)
        {
            await sessions.SignOutAsync(token, cancellationToken);
        }
        return TypedResults.NoContent();
    }

    private static async Task<Ok<UserView>> MeAsync(HttpContext context, UserStore users, OrganizationStore organizations, CancellationToken cancellationToken)
    {
        var caller = Caller.From(context.User);
        var user = await users.FindByIdAsync(caller.UserId, cancellationToken) ?? throw new InvalidOperationException("An authenticated user vanished.");
        var organization = (await organizations.ListAsync(cancellationToken)).First(o => o.Id == user.OrganizationId);
        return TypedResults.Ok(View(user, organization));
    }

    private static UserView View(UserAccount user, Organization organization) =>
        new(user.Id, user.Username, user.DisplayName, user.Roles, new OrganizationView(organization.Id, organization.Code, organization.Name, OrganizationStore.KindText(organization.Kind)));
}
