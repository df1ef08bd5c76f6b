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

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Auth");
        group.MapPost("/auth/token", IssueTokenAsync).AllowAnonymous();
        group.MapPost("/auth/revoke", RevokeAsync);
        group.MapGet("/me", MeAsync);
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
        if (string.IsNullOrEmpty(body.Password))
        {
            errors["password"] = ["必须填写密码"];
        }
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }
        if (await sessions.SignInAsync(body.Username!, body.Password!, cancellationToken) is not { } session)
        {
            return Problems.Unauthorized("用户名或密码错误");
        }
        return TypedResults.Ok(new TokenResponse(session.Token.Token, "Bearer", session.Token.ExpiresAt, View(session.User, session.Organization)));
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
