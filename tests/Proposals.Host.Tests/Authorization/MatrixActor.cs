using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Authorization;

/// <summary>A signed-in demo user as the matrix sees them: their roles and the organisation they act for.</summary>
public sealed record MatrixActor(ApiClient Client, IReadOnlySet<string> Roles, string OrganizationCode, string OrganizationKind)
{
    /// <summary>
    /// Every kind of caller: each party role from the owning party (minmeng) and a foreign one (jiusan), the lead
    /// department (fgj), both co-departments (jyj, zjj) and one never assigned (swj), and the organisations that
    /// own no item (committee, government, supervision, the system admin).
    /// </summary>
    public static IReadOnlyList<string> Usernames { get; } =
    [
        "minmeng.member", "minmeng.admin", "jiusan.member", "jiusan.admin",
        "fgj.handler", "jyj.handler", "zjj.handler", "swj.handler",
        "tzb.admin", "zfb.reviewer", "dcs.supervisor", "admin",
    ];

    public string Username => Client.Username;

    /// <summary>The demo city's users, signed in; roles and organisation are what the API says about each.</summary>
    public static async Task<IReadOnlyList<MatrixActor>> SignInAsync(Chain chain)
    {
        var actors = new List<MatrixActor>();
        foreach (var username in Usernames)
        {
            var client = chain.Users.TryGetValue(username, out var signedIn) ? signedIn : await chain.Host.SignInAsync(username);
            chain.Users[username] = client;
            var organization = client.Me["organization"]!;
            var roles = client.Me["roles"]!.AsArray().Select(r => r!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
            actors.Add(new MatrixActor(client, roles, organization["code"]!.GetValue<string>(), organization["kind"]!.GetValue<string>()));
        }
        return actors;
    }
}
