using System.Text.RegularExpressions;
using Proposals.Engine.Definitions;
using Proposals.Engine.Execution;

namespace Proposals.Host.Admin;

/// <summary>
/// What an organisation or a user must look like, the same for the administration pages, the API and the CSV import;
/// each check returns the reason in Chinese, or null when the value is fine.
/// </summary>
internal static partial class AccountRules
{
    public const int MaxNameLength = 100;

    /// <summary>The kinds an administrator may create; the service's own system organisation is not one of them.</summary>
    public static readonly IReadOnlyDictionary<string, OrganizationKind> CreatableKinds = new Dictionary<string, OrganizationKind>(StringComparer.OrdinalIgnoreCase)
    {
        ["committee"] = OrganizationKind.Committee,
        ["party"] = OrganizationKind.Party,
        ["government"] = OrganizationKind.Government,
        ["department"] = OrganizationKind.Department,
        ["supervision"] = OrganizationKind.Supervision,
    };

    /// <summary>The organisation kind each role belongs to; <c>admin</c> may sit in any organisation.</summary>
    private static readonly Dictionary<string, OrganizationKind> RoleKinds = new Dictionary<string, OrganizationKind>(StringComparer.Ordinal)
    {
        [Roles.Committee] = OrganizationKind.Committee,
        [Roles.PartyMember] = OrganizationKind.Party,
        [Roles.PartyAdmin] = OrganizationKind.Party,
        [Roles.Government] = OrganizationKind.Government,
        [Roles.Department] = OrganizationKind.Department,
        [Roles.Supervisor] = OrganizationKind.Supervision,
    };

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{1,63}$")]
    private static partial Regex UsernamePattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{1,31}$")]
    private static partial Regex CodePattern();

    public static string? Username(string? username) =>
        string.IsNullOrEmpty(username) ? "用户名不能为空"
        : UsernamePattern().IsMatch(username) ? null
        : "用户名应为 2 到 64 个小写字母、数字或 . _ -，以字母或数字开头";

    public static string? Code(string? code) =>
        string.IsNullOrEmpty(code) ? "单位编码不能为空"
        : CodePattern().IsMatch(code) ? null
        : "单位编码应为 2 到 32 个小写字母、数字或 _ -，以字母或数字开头";

    public static string? Name(string? name, string what) =>
        string.IsNullOrWhiteSpace(name) ? $"{what}不能为空"
        : name.Trim().Length > MaxNameLength ? $"{what}最多 {MaxNameLength} 个字"
        : name.Any(char.IsControl) ? $"{what}不能包含控制字符"
        : null;

    public static string? Kind(string? kind, out OrganizationKind parsed)
    {
        parsed = default;
        return kind is not null && CreatableKinds.TryGetValue(kind.Trim(), out parsed) ? null
            : $"单位类型应为 {string.Join("、", CreatableKinds.Keys)} 之一";
    }

    /// <summary>Why these roles do not fit a user of an organisation of <paramref name="kind"/>, or null.</summary>
    public static string? RolesFor(IReadOnlyList<string>? roles, OrganizationKind kind)
    {
        if (roles is null || roles.Count == 0)
        {
            return "至少要有一个角色";
        }
        if (roles.FirstOrDefault(r => !Roles.All.Contains(r)) is { } unknown)
        {
            return $"未知角色“{unknown}”；可选：{string.Join("、", Roles.All.Order(StringComparer.Ordinal))}";
        }
        if (roles.FirstOrDefault(r => RoleKinds.TryGetValue(r, out var needed) && needed != kind) is { } misfit)
        {
            return $"角色“{misfit}”只能授予{RoleKinds[misfit].ToString().ToLowerInvariant()}类单位的用户";
        }
        return null;
    }
}
