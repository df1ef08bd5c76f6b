using Microsoft.AspNetCore.Mvc;
using Proposals.Engine.Definitions;
using Proposals.Host.Auth;
using Proposals.Host.Http;

namespace Proposals.Host.Admin;

/// <summary>Organisations, users and their bulk import, for the administrator only.</summary>
internal static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin").WithTags("Administration");
        group.AddEndpointFilter(async (context, next) =>
            Caller.From(context.HttpContext.User).IsIn(Roles.Admin) ? await next(context) : Problems.Forbidden("只有系统管理员可以管理单位和用户"));
        group.MapGet("/organizations", async (Administration admin, CancellationToken ct) => TypedResults.Ok(await admin.OrganizationsAsync(ct)));
        group.MapPost("/organizations", (HttpContext http, Administration admin, CancellationToken ct) =>
            WithBodyAsync<CreateOrganizationRequest>(http, body => admin.CreateOrganizationAsync(body, ct), ct));
        group.MapPut("/organizations/{id:long}", (long id, HttpContext http, Administration admin, CancellationToken ct) =>
            WithBodyAsync<UpdateOrganizationRequest>(http, body => admin.UpdateOrganizationAsync(id, body, ct), ct));
        group.MapDelete("/organizations/{id:long}", (long id, Administration admin, CancellationToken ct) => admin.DeleteOrganizationAsync(id, ct));
        group.MapGet("/users", async (Administration admin, CancellationToken ct) => TypedResults.Ok(await admin.UsersAsync(ct)));
        group.MapPost("/users", (HttpContext http, Administration admin, CancellationToken ct) =>
            WithBodyAsync<CreateUserRequest>(http, body => admin.CreateUserAsync(body, ct), ct));
        group.MapPut("/users/{id:long}", (long id, HttpContext http, Administration admin, CancellationToken ct) =>
            WithBodyAsync<UpdateUserRequest>(http, body => admin.UpdateUserAsync(Caller.From(http.User), id, body, ct), ct));
        group.MapPost("/users/{id:long}/password-reset", (long id, Administration admin, CancellationToken ct) => admin.ResetPasswordAsync(id, ct));
        group.MapPost("/users/{id:long}/unlock", (long id, Administration admin, CancellationToken ct) => admin.UnlockAsync(id, ct));
        group.MapPost("/import/{kind}", ImportAsync);
        return app;
    }

    private static async Task<IResult> WithBodyAsync<T>(HttpContext http, Func<T, Task<IResult>> act, CancellationToken cancellationToken)
        where T : class
    {
        var (body, problem) = await JsonBody.ReadAsync<T>(http.Request, ApiJson.Options, cancellationToken);
        return problem ?? await act(body!);
    }

    private static async Task<IResult> ImportAsync(string kind, [FromQuery] string? dryRun, [FromQuery] string? encoding, HttpContext http, AccountImport import, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var dry = Proposals.QueryParsing.Bool(dryRun, "dryRun", errors) ?? false;
        if (!AccountImport.Kinds.Contains(kind))
        {
            errors["kind"] = [$"导入类型应为 {string.Join("、", AccountImport.Kinds)} 之一"];
        }
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }
        var (content, tooLarge) = await AccountImport.ReadBodyAsync(http.Request, cancellationToken);
        if (tooLarge)
        {
            return TypedResults.Problem(detail: $"导入文件过大：最多 {AccountImport.MaxBytes} 字节", title: "请求体过大", statusCode: StatusCodes.Status413PayloadTooLarge);
        }
        return await import.RunAsync(kind, content, encoding, dry, cancellationToken);
    }
}
