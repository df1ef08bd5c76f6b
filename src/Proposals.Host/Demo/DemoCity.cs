using Microsoft.AspNetCore.Identity;
using Proposals.Data.Organizations;
using Proposals.Engine.Definitions;
using Proposals.Engine.Execution;

namespace Proposals.Host.Demo;

/// <summary>The documented demo city of process.md: every role at once, one password for all.</summary>
internal sealed class DemoCity(OrganizationStore organizations, UserStore users, IPasswordHasher<UserAccount> hasher, TimeProvider time)
{
    public const string DefaultPassword = "demo-password";

    public sealed record DemoUser(string Username, string DisplayName, string OrganizationCode, string Role);

    private static readonly (string Code, string Name, OrganizationKind Kind)[] Organizations =
    [
        ("tzb", "市委统战部", OrganizationKind.Committee),
        ("minmeng", "民盟市委会", OrganizationKind.Party),
        ("jiusan", "九三学社市委会", OrganizationKind.Party),
        ("minge", "民革市委会", OrganizationKind.Party),
        ("minjian", "民建市委会", OrganizationKind.Party),
        ("minjin", "民进市委会", OrganizationKind.Party),
        ("nonggong", "农工党市委会", OrganizationKind.Party),
        ("zhigong", "致公党市委会", OrganizationKind.Party),
        ("taimeng", "台盟市委会", OrganizationKind.Party),
        ("zfb", "市政府办", OrganizationKind.Government),
        ("fgj", "发改局", OrganizationKind.Department),
        ("jyj", "教育局", OrganizationKind.Department),
        ("zjj", "住建局", OrganizationKind.Department),
        ("swj", "商务局", OrganizationKind.Department),
        ("dcs", "市委督查室", OrganizationKind.Supervision),
        ("system", "系统管理", OrganizationKind.System),
    ];

    public static IReadOnlyList<DemoUser> Users { get; } =
    [
        new("tzb.admin", "统战部课题管理员", "tzb", Roles.Committee),
        new("minmeng.member", "民盟党员", "minmeng", Roles.PartyMember),
        new("minmeng.admin", "民盟市委会管理员", "minmeng", Roles.PartyAdmin),
        new("jiusan.member", "九三学社社员", "jiusan", Roles.PartyMember),
        new("jiusan.admin", "九三学社市委会管理员", "jiusan", Roles.PartyAdmin),
        new("minge.admin", "民革市委会管理员", "minge", Roles.PartyAdmin),
        new("minjian.admin", "民建市委会管理员", "minjian", Roles.PartyAdmin),
        new("minjin.admin", "民进市委会管理员", "minjin", Roles.PartyAdmin),
        new("nonggong.admin", "农工党市委会管理员", "nonggong", Roles.PartyAdmin),
        new("zhigong.admin", "致公党市委会管理员", "zhigong", Roles.PartyAdmin),
        new("taimeng.admin", "台盟市委会管理员", "taimeng", Roles.PartyAdmin),
        new("zfb.reviewer", "政府办审阅人", "zfb", Roles.Government),
        new("fgj.handler", "发改局经办人", "fgj", Roles.Department),
        new("jyj.handler", "教育局经办人", "jyj", Roles.Department),
        new("zjj.handler", "住建局经办人", "zjj", Roles.Department),
        new("swj.handler", "商务局经办人", "swj", Roles.Department),
        new("dcs.supervisor", "督查室督查员", "dcs", Roles.Supervisor),
        new("admin", "系统管理员", "system", Roles.Admin),
    ];

    /// <summary>Creates the demo organisations and users, or resets them to the documented state; safe to run twice.</summary>
    public async Task SeedAsync(string password, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (code, name, kind) in Organizations)
        {
            ids[code] = await organizations.EnsureAsync(code, name, kind, now, cancellationToken);
        }
        // One hash serves every demo user: they share the password, and hashing is deliberately slow.
        var hash = hasher.HashPassword(new UserAccount(0, "demo", "demo", 0, "", true, []), password);
        foreach (var user in Users)
        {
            await users.UpsertAsync(user.Username, user.DisplayName, ids[user.OrganizationCode], hash, [user.Role], now, cancellationToken);
        }
    }

    public static string Describe(string password)
    {
        var lines = Users.Select(u => $"  {u.Username,-16} {u.Role,-13} {u.OrganizationCode,-9} {u.DisplayName}");
        return $"Demo city loaded. Every demo user's password is: {password}\n{string.Join('\n', lines)}";
    }
}
