using System.Net;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Proposals;

public sealed class ConcurrencyFactsOnSqlite() : ConcurrencyFacts(TestDatabases.Sqlite);

public sealed class ConcurrencyFactsOnPostgres() : ConcurrencyFacts(TestDatabases.Postgres);

public sealed class ConcurrencyFactsOnSqlServer() : ConcurrencyFacts(TestDatabases.SqlServer);

public abstract class ConcurrencyFacts(Func<TestDatabase> database) : ChainFacts(database)
{
    [SkippableFact]
    public async Task Two_clients_acting_on_the_same_version_one_wins_and_the_other_gets_409_with_the_current_state()
    {
        var id = await C.SubmittedAsync();
        var version = Chain.Version(await C.Government.ProposalAsync(id));
        var secondReviewer = await Host.SignInAsync("zfb.reviewer");

        var responses = await Task.WhenAll(
            C.Government.ActOnVersionAsync(id, "reject", version, new { reason = "重复" }),
            secondReviewer.ActOnVersionAsync(id, "keep-for-reference", version, new { reason = "参考" }));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], responses.Select(r => r.StatusCode).Order());
        var conflict = await ApiClient.Json(responses.Single(r => r.StatusCode == HttpStatusCode.Conflict), HttpStatusCode.Conflict);
        Assert.Equal(version + 1, conflict["currentVersion"]!.GetValue<int>());
        var winner = await ApiClient.Json(responses.Single(r => r.StatusCode == HttpStatusCode.OK), HttpStatusCode.OK);
        Assert.Equal(Chain.State(winner), conflict["state"]!.GetValue<string>());
        Assert.Equal(version + 1, Host.Scalar($"SELECT COUNT(*) FROM audit_events WHERE proposal_id = {id}"));
    }

    [SkippableFact]
    public async Task A_stale_version_is_refused_with_409_and_changes_nothing()
    {
        var id = await C.SubmittedAsync();
        var before = Host.RowCounts();
        var stale = await ApiClient.Json(await C.Government.ActOnVersionAsync(id, "reject", 1, new { reason = "过期版本" }), HttpStatusCode.Conflict);
        Assert.Equal(3, stale["currentVersion"]!.GetValue<int>());
        Assert.Equal("government-review", stale["state"]!.GetValue<string>());
        Assert.Equal(before, Host.RowCounts());
    }

    [SkippableFact]
    public async Task A_replay_with_the_same_idempotency_key_returns_the_first_answer_and_adds_no_event()
    {
        var id = await C.SubmittedAsync();
        var version = Chain.Version(await C.Government.ProposalAsync(id));
        var first = await C.Government.ActOnVersionAsync(id, "reject", version, new { reason = "重复" }, idempotencyKey: "reject-1");
        var firstBody = await first.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var events = Host.Scalar($"SELECT COUNT(*) FROM audit_events WHERE proposal_id = {id}");

        var replay = await C.Government.ActOnVersionAsync(id, "reject", version, new { reason = "重复" }, idempotencyKey: "reject-1");
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(firstBody, await replay.Content.ReadAsStringAsync());
        Assert.Equal(events, Host.Scalar($"SELECT COUNT(*) FROM audit_events WHERE proposal_id = {id}"));

        var reused = await ApiClient.Json(await C.Government.ActOnVersionAsync(id, "keep-for-reference", version, null, idempotencyKey: "reject-1"), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Idempotency-Key", reused["title"]!.GetValue<string>());
        Assert.Equal(events, Host.Scalar($"SELECT COUNT(*) FROM audit_events WHERE proposal_id = {id}"));
    }

    [SkippableFact]
    public async Task Parallel_retries_with_one_idempotency_key_apply_the_action_once()
    {
        var id = await C.SubmittedAsync();
        var version = Chain.Version(await C.Government.ProposalAsync(id));
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            C.Government.ActOnVersionAsync(id, "reject", version, new { reason = "重复" }, idempotencyKey: "same-key")));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, Host.Scalar($"SELECT COUNT(*) FROM audit_events WHERE proposal_id = {id} AND action = 'reject'"));
    }

    [SkippableFact]
    public async Task A_replay_with_the_same_data_in_another_key_order_is_the_same_request()
    {
        var id = await C.SubmittedAsync();
        var version = Chain.Version(await C.Government.ProposalAsync(id));
        var body1 = $"{{\"version\": {version}, \"data\": {{\"leadDepartmentId\": {C.Org("fgj")}, \"coDepartmentIds\": [{C.Org("jyj")}]}}}}";
        var body2 = $"{{\"data\": {{\"coDepartmentIds\": [{C.Org("jyj")}], \"leadDepartmentId\": {C.Org("fgj")}}}, \"version\": {version}}}";
        Task<HttpResponseMessage> Send(string body)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/proposals/{id}/actions/adopt") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Add("Idempotency-Key", "adopt-reordered");
            return C.Government.Http.SendAsync(request);
        }
        var first = await Send(body1);
        var second = await Send(body2);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(1, Host.Scalar($"SELECT COUNT(*) FROM audit_events WHERE proposal_id = {id} AND action = 'adopt'"));
    }

    [SkippableFact]
    public async Task Creating_a_draft_twice_with_one_idempotency_key_creates_one_draft()
    {
        var body = new { title = "双击提交的草稿", summary = "摘要", body = "正文" };
        var first = await ApiClient.Json(await C.Member.PostAsync("/api/proposals", body, idempotencyKey: "create-once"), HttpStatusCode.Created);
        var second = await ApiClient.Json(await C.Member.PostAsync("/api/proposals", body, idempotencyKey: "create-once"), HttpStatusCode.Created);
        Assert.Equal(first["id"]!.GetValue<long>(), second["id"]!.GetValue<long>());
        Assert.Equal(1, Host.Scalar("SELECT COUNT(*) FROM proposals"));
        var other = await C.Member.PostAsync("/api/proposals", new { title = "另一份草稿" }, idempotencyKey: "create-once");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.Equal(1, Host.Scalar("SELECT COUNT(*) FROM proposals"));
    }
}
