using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Proposals.Data.Organizations;
using Proposals.Engine.Definitions;
using Proposals.Engine.Execution;
using Proposals.Host.Auth;
using Proposals.Host.Http;
using Proposals.Host.Organizations;
using Proposals.Host.Proposals;

namespace Proposals.Host.Admin;

internal sealed record CreateOrganizationRequest(string? Code, string? Name, string? Kind, long? ParentId);

internal sealed record UpdateOrganizationRequest(string? Name, long? ParentId, bool? Active);

internal sealed record CreateUserRequest(string? Username, string? DisplayName, long? OrganizationId, IReadOnlyList<string>? Roles, string? Password);

internal sealed record UpdateUserRequest(string? DisplayName, long? OrganizationId, IReadOnlyList<string>? Roles, bool? Active);

internal sealed record UserView(long Id, string Username, string DisplayName, OrganizationsApi.OrganizationView Organization, IReadOnlyList<string> Roles, bool Active, bool MustChangePassword, DateTimeOffset? LockedUntil);

/// <summary>A user as created; the temporary password is shown this once and must be changed at first sign-in.</summary>
internal sealed record CreatedUser(UserView User, string? TemporaryPassword);

internal sealed record PasswordReset(string TemporaryPassword);

/// <summary>
/// The administrator's work on organisations and users, the same for the API and the pages: every change is checked
/// against <see cref="AccountRules"/> and refused with the field and the reason, and nothing is half done.
/// </summary>
internal sealed class Administration(OrganizationStore organizations, UserStore users, IPasswordHasher<UserAccount> hasher, TimeProvider time)
{
    public async Task<IReadOnlyList<OrganizationsApi.OrganizationView>> OrganizationsAsync(CancellationToken cancellationToken) =>
        (await organizations.ListAsync(cancellationToken)).Select(OrganizationsApi.View).ToList();

    public async Task<IReadOnlyList<UserView>> UsersAsync(CancellationToken cancellationToken)
    {
        var byId = (await organizations.ListAsync(cancellationToken)).ToDictionary(o => o.Id);
        return (await users.ListAsync(cancellationToken)).Select(u => View(u, byId)).ToList();
    }

    public async Task<IResult> CreateOrganizationAsync(CreateOrganizationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>();
        Check(errors, "code", AccountRules.Code(request.Code));
        Check(errors, "name", AccountRules.Name(request.Name, "单位名称"));
        Check(errors, "kind", AccountRules.Kind(request.Kind, out var kind));
        var all = await organizations.ListAsync(cancellationToken);
        var parent = request.ParentId is { } parentId ? all.FirstOrDefault(o => o.Id == parentId) : null;
        if (request.ParentId is not null && parent is null)
        {
            errors["parentId"] = [$"没有编号为 {request.ParentId} 的上级单位"];
        }
        if (all.Any(o => o.Code == request.Code))
        {
            errors["code"] = [$"单位编码“{request.Code}”已被使用"];
        }
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }
        var ids = await organizations.CreateAsync([new NewOrganization(request.Code!, request.Name!.Trim(), kind, parent?.Code)], time.GetUtcNow(), cancellationToken);
        if (ids is null)
        {
            return Problems.Validation("code", $"单位编码“{request.Code}”已被使用");
        }
        var created = (await organizations.ListAsync(cancellationToken)).Single(o => o.Id == ids[0]);
        return TypedResults.Created($"/api/organizations/{created.Id}", OrganizationsApi.View(created));
    }

    public async Task<IResult> UpdateOrganizationAsync(long id, UpdateOrganizationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var all = (await organizations.ListAsync(cancellationToken)).ToDictionary(o => o.Id);
        if (!all.TryGetValue(id, out var current))
        {
            return Problems.NotFound($"单位 {id} 不存在");
        }
        var errors = new Dictionary<string, string[]>();
        var name = request.Name ?? current.Name;
        Check(errors, "name", AccountRules.Name(name, "单位名称"));
        if (request.ParentId is { } parentId)
        {
            if (!all.ContainsKey(parentId))
            {
                errors["parentId"] = [$"没有编号为 {parentId} 的上级单位"];
            }
            else if (AncestorsAndSelf(parentId, all).Contains(id))
            {
                errors["parentId"] = ["上级单位不能是本单位或其下级单位"];
            }
        }
        if (current.Kind == OrganizationKind.System)
        {
            errors["id"] = ["系统单位由服务自己管理，不能修改"];
        }
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }
        await organizations.UpdateAsync(id, name.Trim(), request.ParentId ?? current.ParentId, request.Active ?? current.Active, time.GetUtcNow(), cancellationToken);
        return TypedResults.Ok(OrganizationsApi.View((await organizations.ListAsync(cancellationToken)).Single(o => o.Id == id)));
    }

    public async Task<IResult> DeleteOrganizationAsync(long id, CancellationToken cancellationToken) =>
        await organizations.DeleteAsync(id, cancellationToken) switch
        {
            OrganizationRemoval.Deleted => TypedResults.NoContent(),
            OrganizationRemoval.NotFound => Problems.NotFound($"单位 {id} 不存在"),
            _ => TypedResults.Problem(detail: "该单位已有用户、提案、办理记录或下级单位，不能删除；可以停用它", title: "不能删除", statusCode: StatusCodes.Status409Conflict),
        };

    public async Task<IResult> CreateUserAsync(CreateUserRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>();
        Check(errors, "username", AccountRules.Username(request.Username));
        Check(errors, "displayName", AccountRules.Name(request.DisplayName, "姓名"));
        var byId = (await organizations.ListAsync(cancellationToken)).ToDictionary(o => o.Id);
        var organization = request.OrganizationId is { } orgId ? byId.GetValueOrDefault(orgId) : null;
        if (organization is null || !organization.Active)
        {
            errors["organizationId"] = [request.OrganizationId is null ? "请选择所属单位" : $"没有编号为 {request.OrganizationId} 的在用单位"];
        }
        else
        {
            Check(errors, "roles", AccountRules.RolesFor(request.Roles, organization.Kind));
        }
        if (request.Password is not null)
        {
            Check(errors, "password", PasswordPolicy.Problem(request.Username ?? "", request.Password));
        }
        if (errors.Count == 0 && await users.FindByNameAsync(request.Username!, cancellationToken) is not null)
        {
            errors["username"] = [$"用户名“{request.Username}”已存在"];
        }
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }
        var temporary = request.Password is null ? PasswordPolicy.Temporary() : null;
        var user = new NewUser(request.Username!, request.DisplayName!.Trim(), organization!.Code, request.Roles!, Hash(request.Password ?? temporary!), MustChangePassword: true);
        var ids = await users.CreateAsync([user], time.GetUtcNow(), cancellationToken);
        if (ids is null)
        {
            return Problems.Validation("username", $"用户名“{request.Username}”已存在");
        }
        var account = await users.FindByIdAsync(ids[0], cancellationToken);
        return TypedResults.Created($"/api/admin/users/{ids[0]}", new CreatedUser(View(account!, byId), temporary));
    }

    public async Task<IResult> UpdateUserAsync(Caller caller, long id, UpdateUserRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var current = await users.FindByIdAsync(id, cancellationToken);
        if (current is null)
        {
            return Problems.NotFound($"用户 {id} 不存在");
        }
        var byId = (await organizations.ListAsync(cancellationToken)).ToDictionary(o => o.Id);
        var errors = new Dictionary<string, string[]>();
        var displayName = request.DisplayName ?? current.DisplayName;
        var roles = request.Roles ?? current.Roles;
        var active = request.Active ?? current.Active;
        Check(errors, "displayName", AccountRules.Name(displayName, "姓名"));
        var organization = byId.GetValueOrDefault(request.OrganizationId ?? current.OrganizationId);
        if (organization is null || (!organization.Active && request.OrganizationId is not null))
        {
            errors["organizationId"] = [$"没有编号为 {request.OrganizationId} 的在用单位"];
        }
        else
        {
            Check(errors, "roles", AccountRules.RolesFor(roles, organization.Kind));
        }
        if (current.Username == SystemAccount.Username)
        {
            errors["id"] = ["系统账号由服务自己管理，不能修改"];
        }
        var losesAdmin = current.Roles.Contains(Roles.Admin) && (!active || !roles.Contains(Roles.Admin));
        if (losesAdmin && id == caller.UserId)
        {
            errors["active"] = ["不能停用自己的账号或取消自己的管理员角色"];
        }
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }
        await users.UpdateAsync(id, displayName.Trim(), organization!.Id, roles, active, time.GetUtcNow(), cancellationToken);
        return TypedResults.Ok(View((await users.FindByIdAsync(id, cancellationToken))!, byId));
    }

    /// <summary>Gives the user a new temporary password that must be changed at next sign-in, and signs them out everywhere.</summary>
    public async Task<IResult> ResetPasswordAsync(long id, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(id, cancellationToken);
        if (user is null || user.Username == SystemAccount.Username)
        {
            return Problems.NotFound($"用户 {id} 不存在");
        }
        var temporary = PasswordPolicy.Temporary();
        await users.SetPasswordAsync(id, Hash(temporary), mustChange: true, time.GetUtcNow(), cancellationToken);
        await users.ClearFailedSignInsAsync(id, cancellationToken);
        return TypedResults.Ok(new PasswordReset(temporary));
    }

    /// <summary>Ends a lockout before its time, for a user who proved who they are some other way.</summary>
    public async Task<IResult> UnlockAsync(long id, CancellationToken cancellationToken)
    {
        if (await users.FindByIdAsync(id, cancellationToken) is null)
        {
            return Problems.NotFound($"用户 {id} 不存在");
        }
        await users.ClearFailedSignInsAsync(id, cancellationToken);
        return TypedResults.NoContent();
    }

    public string Hash(string password) => hasher.HashPassword(new UserAccount(0, "", "", 0, "", true, []), password);

    private static IEnumerable<long> AncestorsAndSelf(long id, Dictionary<long, Organization> all)
    {
        var seen = new HashSet<long>();
        for (long? at = id; at is { } current && seen.Add(current) && all.TryGetValue(current, out var org); at = org.ParentId)
        {
            yield return current;
        }
    }

    // A lock that has run out is history, not a state: the stored time stays until the next failure or success.
    private UserView View(UserAccount user, Dictionary<long, Organization> organizationsById) =>
        new(user.Id, user.Username, user.DisplayName,
            organizationsById.TryGetValue(user.OrganizationId, out var org) ? OrganizationsApi.View(org) : new OrganizationsApi.OrganizationView(user.OrganizationId, "", $"#{user.OrganizationId}", "", null, false),
            user.Roles, user.Active, user.MustChangePassword, user.LockedUntil > time.GetUtcNow() ? user.LockedUntil : null);

    private static void Check(Dictionary<string, string[]> errors, string field, string? problem)
    {
        if (problem is not null)
        {
            errors[field] = [problem];
        }
    }
}
