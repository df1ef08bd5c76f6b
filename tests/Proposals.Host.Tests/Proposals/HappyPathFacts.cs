using System.Net;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Proposals;

public sealed class HappyPathFactsOnSqlite() : HappyPathFacts(TestDatabases.Sqlite);

public sealed class HappyPathFactsOnPostgres() : HappyPathFacts(TestDatabases.Postgres);

public sealed class HappyPathFactsOnSqlServer() : HappyPathFacts(TestDatabases.SqlServer);

public abstract class HappyPathFacts(Func<TestDatabase> database) : ChainFacts(database)
{
    [SkippableFact]
    public async Task A_proposal_goes_from_topic_to_closed_and_its_history_holds_every_step_in_order()
    {
        var topic = await ApiClient.Json(await C.Committee.PostAsync("/api/topics", new
        {
            title = "数字经济发展课题",
            description = "研究本市数字经济发展路径",
            year = 2026,
            researchDeadline = "2026-06-30",
        }), HttpStatusCode.Created);
        Assert.True(topic["openForClaiming"]!.GetValue<bool>());
        var topicId = topic["id"]!.GetValue<long>();

        var claimed = await ApiClient.Json(await C.PartyAdmin.PostAsync($"/api/topics/{topicId}/claim", null), HttpStatusCode.OK);
        Assert.Equal("claimed", claimed["state"]!.GetValue<string>());
        Assert.Equal(C.Org("minmeng"), claimed["parties"]![0]!["organization"]!["id"]!.GetValue<long>());

        var draft = await ApiClient.Json(await C.Member.PostAsync("/api/proposals", new { topicId, title = "关于加快数字经济发展的建议", summary = "三条建议", body = "一、……" }), HttpStatusCode.Created);
        var id = draft["id"]!.GetValue<long>();
        Assert.Equal("draft", Chain.State(draft));
        Assert.Equal("research", draft["stage"]!.GetValue<string>());
        Assert.Contains("submit-for-review", Chain.Allowed(draft));
        Assert.Equal("2026-06-30", draft["openTasks"]![0]!["dueDate"]!.GetValue<string>());

        Assert.Equal("party-review", Chain.State(await C.Member.ActAsync(id, "submit-for-review")));
        Assert.Equal("government-review", Chain.State(await C.PartyAdmin.ActAsync(id, "submit")));
        var adopted = await C.Government.ActAsync(id, "adopt", new
        {
            partly = false,
            instruction = "请发改局牵头，教育局、住建局配合",
            leadDepartmentId = C.Org("fgj"),
            coDepartmentIds = new[] { C.Org("jyj"), C.Org("zjj") },
        }, comment: "同意采纳，请抓紧落实");
        Assert.Equal("implementation", Chain.State(adopted));
        Assert.Equal(3, adopted["departments"]!.AsArray().Count);
        Assert.Equal("2026-06-02", adopted["itemDueDate"]!.GetValue<string>());
        Assert.Equal(6, adopted["openTasks"]!.AsArray().Count);

        await C.Lead.ActAsync(id, "sign");
        await C.Co1.ActAsync(id, "sign");
        await C.Co2.ActAsync(id, "sign");
        await C.Co1.ActAsync(id, "give-opinion", new { text = "教育局意见" });
        await C.Co2.ActAsync(id, "give-opinion", new { text = "住建局意见" });
        await C.Lead.ActAsync(id, "record-progress", new { text = "已召开协调会", percent = 50 });
        await C.RecordContactAsync(id);
        Assert.Equal("evaluation", Chain.State(await C.Lead.ActAsync(id, "reply", new { text = "已出台措施", category = "A" })));
        var closed = await C.PartyAdmin.ActAsync(id, "evaluate", new { rating = "satisfied", attitudeRating = "satisfied" });
        Assert.Equal("closed", Chain.State(closed));
        Assert.False(closed["isOpen"]!.GetValue<bool>());
        Assert.Empty(closed["openTasks"]!.AsArray());
        Assert.Empty(closed["allowedActions"]!.AsArray());

        var history = await ApiClient.JsonArray(await C.Member.GetAsync($"/api/proposals/{id}/history"), HttpStatusCode.OK);
        var actions = history.Select(e => e!["action"]!.GetValue<string>()).ToList();
        Assert.Equal(
            ["create", "submit-for-review", "submit", "adopt", "sign", "sign", "sign", "give-opinion", "give-opinion", "record-progress", "record-contact", "reply", "evaluate"],
            actions);
        Assert.Equal(Enumerable.Range(1, history.Count).Select(i => (long)i), history.Select(e => e!["sequence"]!.GetValue<long>()));
        Assert.Null(history[0]!["fromState"]);
        Assert.Equal("draft", history[0]!["toState"]!.GetValue<string>());
        var adopt = history[3]!;
        Assert.Equal("government-review", adopt["fromState"]!.GetValue<string>());
        Assert.Equal("implementation", adopt["toState"]!.GetValue<string>());
        Assert.Equal("政府办审阅人", adopt["actor"]!["name"]!.GetValue<string>());
        Assert.Equal("zfb", adopt["organization"]!["code"]!.GetValue<string>());
        Assert.Equal(C.Org("fgj"), adopt["data"]!["leadDepartmentId"]!.GetValue<long>());
        Assert.NotNull(adopt["at"]);
        Assert.Equal("同意采纳，请抓紧落实", adopt["comment"]!.GetValue<string>());
        Assert.Null(history[4]!["comment"]);
        Assert.Equal("evaluation", history[^1]!["fromState"]!.GetValue<string>());
        Assert.Equal("satisfied", history[^1]!["data"]!["rating"]!.GetValue<string>());

        // Every task opened along the way is closed, and none of their reminders is still waiting.
        Assert.Equal(0, Host.Scalar($"SELECT COUNT(*) FROM tasks WHERE proposal_id = {id} AND closed_at IS NULL"));
        Assert.Equal(0, Host.Scalar($"SELECT COUNT(*) FROM reminders WHERE proposal_id = {id} AND status = 'pending'"));
        Assert.True(Host.Scalar($"SELECT COUNT(*) FROM reminders WHERE proposal_id = {id} AND status = 'cancelled'") > 0);
    }
}
