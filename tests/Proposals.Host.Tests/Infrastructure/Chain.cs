using System.Net;
using System.Text.Json.Nodes;

namespace Proposals.Host.Tests.Infrastructure;

/// <summary>The demo city's people, signed in, and short-hands that carry a proposal to a given point of the chain.</summary>
public sealed class Chain : IDisposable
{
    private readonly Dictionary<string, long> _organizations;

    private Chain(ProposalsHost host, Dictionary<string, long> organizations, Dictionary<string, ApiClient> users)
    {
        Host = host;
        _organizations = organizations;
        Users = users;
    }

    public ProposalsHost Host { get; }

    public Dictionary<string, ApiClient> Users { get; }

    public ApiClient Committee => Users["tzb.admin"];
    public ApiClient Member => Users["minmeng.member"];
    public ApiClient PartyAdmin => Users["minmeng.admin"];
    public ApiClient OtherPartyAdmin => Users["jiusan.admin"];
    public ApiClient Government => Users["zfb.reviewer"];
    public ApiClient Lead => Users["fgj.handler"];
    public ApiClient Co1 => Users["jyj.handler"];
    public ApiClient Co2 => Users["zjj.handler"];
    public ApiClient Outsider => Users["swj.handler"];
    public ApiClient Supervisor => Users["dcs.supervisor"];
    public ApiClient Admin => Users["admin"];

    public long Org(string code) => _organizations[code];

    public static async Task<Chain> StartAsync(ProposalsHost host)
    {
        var names = new[] { "tzb.admin", "minmeng.member", "minmeng.admin", "jiusan.admin", "zfb.reviewer", "fgj.handler", "jyj.handler", "zjj.handler", "swj.handler", "dcs.supervisor", "admin" };
        var clients = await Task.WhenAll(names.Select(host.SignInAsync));
        var users = clients.ToDictionary(c => c.Username);
        var organizations = (await ApiClient.JsonArray(await users["admin"].GetAsync("/api/organizations"), HttpStatusCode.OK))
            .ToDictionary(o => o!["code"]!.GetValue<string>(), o => o!["id"]!.GetValue<long>());
        return new Chain(host, organizations, users);
    }

    /// <summary>A topic for the member's party, claimed by it, and a draft on that topic.</summary>
    public async Task<long> DraftAsync(string title = "关于优化营商环境的调研报告")
    {
        var topic = await ApiClient.Json(await Committee.PostAsync("/api/topics", new
        {
            title = "优化营商环境课题",
            description = "围绕市场主体反映集中的问题开展调研",
            year = 2026,
            researchDeadline = "2026-06-30",
        }), HttpStatusCode.Created);
        var topicId = topic["id"]!.GetValue<long>();
        await ApiClient.Json(await PartyAdmin.PostAsync($"/api/topics/{topicId}/claim", null), HttpStatusCode.OK);
        var draft = await ApiClient.Json(await Member.PostAsync("/api/proposals", new { topicId, title, summary = "摘要", body = "正文" }), HttpStatusCode.Created);
        return draft["id"]!.GetValue<long>();
    }

    /// <summary>A draft reviewed by the party and submitted to the government.</summary>
    public async Task<long> SubmittedAsync(string title = "关于优化营商环境的调研报告")
    {
        var id = await DraftAsync(title);
        await Member.ActAsync(id, "submit-for-review");
        await PartyAdmin.ActAsync(id, "submit");
        return id;
    }

    /// <summary>Adopted with fgj leading and jyj, zjj co-operating.</summary>
    public async Task<long> AdoptedAsync(string? dueDate = null)
    {
        var id = await SubmittedAsync();
        await Government.ActAsync(id, "adopt", new { partly = false, instruction = "请发改局牵头办理", leadDepartmentId = Org("fgj"), coDepartmentIds = new[] { Org("jyj"), Org("zjj") }, dueDate });
        return id;
    }

    /// <summary>The lead department records that it spoke with the party today, as the chain asks before a reply.</summary>
    public Task RecordContactAsync(long id, ApiClient? by = null) =>
        (by ?? Lead).ActAsync(id, "record-contact", new { contactDate = Today, method = "meeting", people = "提案党派调研组", text = "面商办理思路" });

    /// <summary>The host's date in Shanghai, as the engine counts days.</summary>
    public string Today => Host.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Adopted, signed by all three departments, with both co-department opinions in and the lead's contact recorded.</summary>
    public async Task<long> ReadyToReplyAsync(string? dueDate = null)
    {
        var id = await AdoptedAsync(dueDate);
        await Lead.ActAsync(id, "sign");
        await Co1.ActAsync(id, "sign");
        await Co2.ActAsync(id, "sign");
        await Co1.ActAsync(id, "give-opinion", new { text = "教育局同意主办单位意见" });
        await Co2.ActAsync(id, "give-opinion", new { text = "住建局同意主办单位意见" });
        await RecordContactAsync(id);
        return id;
    }

    /// <summary>Replied by the lead department, waiting for the party's evaluation.</summary>
    public async Task<long> RepliedAsync()
    {
        var id = await ReadyToReplyAsync();
        await Lead.ActAsync(id, "reply", new { text = "已出台若干措施", category = "A" });
        return id;
    }

    /// <summary>Moves the host's clock; tokens expire with time, so everyone signs in again.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        Host.Clock.Advance(by);
        await Task.WhenAll(Users.Values.Select(u => u.SignInAsync()));
    }

    public static string State(JsonObject proposal) => proposal["state"]!.GetValue<string>();

    public static int Version(JsonObject proposal) => proposal["version"]!.GetValue<int>();

    public static IReadOnlyList<string> Allowed(JsonObject proposal) =>
        proposal["allowedActions"]!.AsArray().Select(a => a!["id"]!.GetValue<string>()).ToList();

    public void Dispose()
    {
        foreach (var user in Users.Values)
        {
            user.Dispose();
        }
    }
}
