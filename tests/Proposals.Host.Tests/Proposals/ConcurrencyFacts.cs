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
}
