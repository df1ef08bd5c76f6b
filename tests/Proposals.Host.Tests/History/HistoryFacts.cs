using System.Net;
using Dapper;
using Proposals.Host.History;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.History;

public sealed class HistoryFactsOnSqlite() : HistoryFacts(TestDatabases.Sqlite);

public sealed class HistoryFactsOnPostgres() : HistoryFacts(TestDatabases.Postgres);

public sealed class HistoryFactsOnSqlServer() : HistoryFacts(TestDatabases.SqlServer);

/// <summary>The tamper-evident history through the host: the administrator's endpoint and the verify-history command.</summary>
public abstract class HistoryFacts(Func<TestDatabase> database) : ChainFacts(database)
{
    private const string Verify = "/api/admin/history/verify";

    private async Task<int> ExecuteAsync(string sql, object parameters)
    {
        await using var connection = await Database.Open().OpenAsync(CancellationToken.None);
        return await connection.ExecuteAsync(sql, parameters);
    }

    private long EventId(long proposalId, int sequence) =>
        Host.Scalar($"SELECT id FROM audit_events WHERE proposal_id = {proposalId} AND sequence = {sequence}");

    private async Task<(int Exit, string Output)> VerifyHistoryAsync()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await VerifyHistoryCommand.RunAsync(Database.Open(), Host.Clock, migrate: true, output, error, CancellationToken.None);
        return (exit, output + error.ToString());
    }

    [SkippableFact]
    public async Task After_a_chain_of_actions_the_history_is_intact_for_the_administrator()
    {
        var id = await C.AdoptedAsync();
        var events = Host.Scalar($"SELECT COUNT(*) FROM audit_events WHERE proposal_id = {id}");

        var all = await C.Admin.GetJsonAsync(Verify);
        var one = await C.Admin.GetJsonAsync($"{Verify}?proposalId={id}");

        Assert.True(all["intact"]!.GetValue<bool>());
        Assert.Equal(Host.Scalar("SELECT COUNT(*) FROM audit_events"), all["eventsChecked"]!.GetValue<long>());
        Assert.Equal(Host.Scalar("SELECT COUNT(*) FROM proposals"), all["itemsChecked"]!.GetValue<long>());
        Assert.Null(all["firstMismatch"]);
        Assert.Equal((true, 1L, events), (one["intact"]!.GetValue<bool>(), one["itemsChecked"]!.GetValue<long>(), one["eventsChecked"]!.GetValue<long>()));
        var (exit, output) = await VerifyHistoryAsync();
        Assert.Equal(0, exit);
        Assert.Contains("History intact", output);
    }

    [SkippableFact]
    public async Task A_row_updated_in_the_database_is_named_by_the_endpoint_and_the_command()
    {
        var id = await C.AdoptedAsync();
        var edited = EventId(id, 2);

        await ExecuteAsync("UPDATE audit_events SET comment = @comment WHERE id = @edited", new { comment = "事后补写", edited });

        var all = await C.Admin.GetJsonAsync(Verify);
        Assert.False(all["intact"]!.GetValue<bool>());
        var mismatch = all["firstMismatch"]!;
        Assert.Equal((id, 2L, edited, "contentChanged"),
            (mismatch["proposalId"]!.GetValue<long>(), mismatch["sequence"]!.GetValue<long>(), mismatch["eventId"]!.GetValue<long>(), mismatch["reason"]!.GetValue<string>()));
        var (exit, output) = await VerifyHistoryAsync();
        Assert.Equal(1, exit);
        Assert.Contains($"proposal {id}, sequence 2 (event {edited}): content changed", output);
    }

    [SkippableFact]
    public async Task Only_the_administrator_may_verify_and_a_bad_or_unknown_item_is_refused()
    {
        var id = await C.SubmittedAsync();

        Assert.Equal(HttpStatusCode.Forbidden, (await C.Supervisor.GetAsync(Verify)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await C.PartyAdmin.GetAsync($"{Verify}?proposalId={id}")).StatusCode);
        using var anonymous = Host.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(Verify)).StatusCode);
        var problem = await ApiClient.Json(await C.Admin.GetAsync($"{Verify}?proposalId=abc"), HttpStatusCode.UnprocessableEntity);
        Assert.NotNull(problem["errors"]!["proposalId"]);
        await ApiClient.Json(await C.Admin.GetAsync($"{Verify}?proposalId=999999"), HttpStatusCode.NotFound);
    }
}
