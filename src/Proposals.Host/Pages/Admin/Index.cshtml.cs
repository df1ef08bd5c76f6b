using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Proposals.Engine.Definitions;
using Proposals.Host.Admin;
using Proposals.Host.Auth;
using Proposals.Host.Organizations;

namespace Proposals.Host.Pages.Admin;

/// <summary>
/// Administration (系统管理): organisations and users, with the same checks as the API; a temporary password made here
/// is shown once, on the page that made it.
/// </summary>
internal sealed class AdminPageModel(Administration administration) : PageModel
{
    public IReadOnlyList<OrganizationsApi.OrganizationView> Organizations { get; private set; } = [];

    public IReadOnlyList<UserView> Users { get; private set; } = [];

    public string? Problem { get; private set; }

    public string? Done { get; private set; }

    public Dictionary<string, string[]> FieldErrors { get; } = new(StringComparer.Ordinal);

    public static IReadOnlyList<string> AllRoles { get; } = Roles.All.Order(StringComparer.Ordinal).ToList();

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public Task<IActionResult> OnPostCreateOrganizationAsync(string? code, string? name, string? kind, long? parentId, CancellationToken cancellationToken) =>
        AnswerAsync(administration.CreateOrganizationAsync(new CreateOrganizationRequest(code, name, kind, parentId), cancellationToken), _ => $"已添加单位 {name}", cancellationToken);

    public Task<IActionResult> OnPostOrganizationActiveAsync(long id, bool active, CancellationToken cancellationToken) =>
        AnswerAsync(administration.UpdateOrganizationAsync(id, new UpdateOrganizationRequest(null, null, active), cancellationToken), _ => active ? "已启用单位" : "已停用单位", cancellationToken);

    public Task<IActionResult> OnPostCreateUserAsync(string? username, string? displayName, long? organizationId, string[] roles, string? password, CancellationToken cancellationToken) =>
        AnswerAsync(administration.CreateUserAsync(new CreateUserRequest(username, displayName, organizationId, roles, string.IsNullOrEmpty(password) ? null : password), cancellationToken),
            value => value is CreatedUser { TemporaryPassword: { } temporary } ? $"已添加用户 {username}，临时密码：{temporary}（只显示这一次，首次登录须修改）" : $"已添加用户 {username}",
            cancellationToken);

    public Task<IActionResult> OnPostUserActiveAsync(long id, bool active, CancellationToken cancellationToken) =>
        AnswerAsync(administration.UpdateUserAsync(Caller.From(User), id, new UpdateUserRequest(null, null, null, active), cancellationToken), _ => active ? "已启用用户" : "已停用用户，其登录已全部失效", cancellationToken);

    public Task<IActionResult> OnPostResetPasswordAsync(long id, CancellationToken cancellationToken) =>
        AnswerAsync(administration.ResetPasswordAsync(id, cancellationToken),
            value => $"已重置密码，临时密码：{(value as PasswordReset)?.TemporaryPassword}（只显示这一次，首次登录须修改）", cancellationToken);

    public Task<IActionResult> OnPostUnlockAsync(long id, CancellationToken cancellationToken) =>
        AnswerAsync(administration.UnlockAsync(id, cancellationToken), _ => "已解除锁定", cancellationToken);

    public string Posted(string name) => Request.HasFormContentType ? Request.Form[name].ToString() : "";

    private async Task<IActionResult> AnswerAsync(Task<IResult> action, Func<object?, string> message, CancellationToken cancellationToken)
    {
        if (!Caller.From(User).IsIn(Roles.Admin))
        {
            return Forbid();
        }
        var result = await action;
        if (result is ProblemHttpResult problem)
        {
            Problem = FormProblems.Take(problem, FieldErrors, Response);
        }
        else
        {
            Done = message((result as IValueHttpResult)?.Value);
        }
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task<IActionResult> LoadAsync(CancellationToken cancellationToken)
    {
        if (!Caller.From(User).IsIn(Roles.Admin))
        {
            return Forbid();
        }
        Organizations = await administration.OrganizationsAsync(cancellationToken);
        Users = await administration.UsersAsync(cancellationToken);
        return Page();
    }
}
