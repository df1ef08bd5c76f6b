using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using Proposals.Host.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Proposals.Host.Tests.Faults;

/// <summary>
/// The database taken away from a running host (every connection reset, new ones refused) and given back, through a
/// relay on the network path, as a restart or a network fault does: while it is away every request gets 503 with
/// Retry-After and a problem body, readiness is red, nothing acknowledged is lost, and the host serves again by itself.
/// </summary>
public sealed class DatabaseOutageFacts(ITestOutputHelper output) : IDisposable
{
    private readonly RelayedPostgresDatabase _database = new();

    public void Dispose() => _database.Dispose();

    private long Direct(string sql)
    {
        using var connection = new NpgsqlConnection(_database.DirectConnectionString);
        return connection.ExecuteScalar<long>(sql);
    }

    private static async Task AssertUnavailableAsync(HttpResponseMessage response, string what)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{what}: {(int)response.StatusCode} {text}");
        Assert.Equal("5", response.Headers.GetValues("Retry-After").Single());
        Assert.Equal("服务暂时不可用", JsonNode.Parse(text)!["title"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task While_the_database_is_away_every_request_is_a_503_and_the_host_serves_again_when_it_returns()
    {
        Skip.If(_database.Unavailable is not null, _database.Unavailable);
        using var host = new ProposalsHost(_database);
        using var chain = await Chain.StartAsync(host);
        var id = await chain.DraftAsync();
        using var anonymous = host.CreateClient();

        _database.Relay.Cut();
        await AssertUnavailableAsync(await chain.Member.GetAsync($"/api/proposals/{id}"), "reading an item");
        await AssertUnavailableAsync(await chain.Member.GetAsync("/api/proposals"), "a list");
        await AssertUnavailableAsync(await chain.Member.ActOnVersionAsync(id, "submit-for-review", 1, idempotencyKey: "while-away"), "an action");
        await AssertUnavailableAsync(await anonymous.PostAsync("/api/auth/token", JsonContent("""{"username": "minmeng.member", "password": "x"}""")), "signing in");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await anonymous.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
        Assert.Equal(1, Direct($"SELECT version FROM proposals WHERE id = {id}"));

        _database.Relay.Restore();
        var back = Stopwatch.StartNew();
        while ((await anonymous.GetAsync("/health/ready")).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(back.Elapsed < TimeSpan.FromSeconds(30), "the host did not serve again within 30 s of the database's return");
            await Task.Delay(200);
        }
        output.WriteLine($"ready again {back.ElapsedMilliseconds} ms after the database returned");
        // The same request, sent again with its key, acts once.
        var retried = await chain.Member.ActOnVersionAsync(id, "submit-for-review", 1, idempotencyKey: "while-away");
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(1, Direct($"SELECT COUNT(*) FROM audit_events WHERE proposal_id = {id} AND action = 'submit-for-review'"));
    }

    [SkippableFact]
    public async Task Under_load_through_an_outage_no_answer_is_a_500_and_no_acknowledged_action_is_lost()
    {
        Skip.If(_database.Unavailable is not null, _database.Unavailable);
        using var host = new ProposalsHost(_database);
        using var chain = await Chain.StartAsync(host);
        var ids = new List<long>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add(await chain.SubmittedAsync($"断线测试 {i}"));
        }
        var supervisors = new List<ApiClient>();
        for (var i = 0; i < 6; i++)
        {
            supervisors.Add(await host.SignInAsync("dcs.supervisor"));
        }

        var acknowledged = new ConcurrentBag<(long Id, string Message)>();
        var statuses = new ConcurrentDictionary<int, int>();
        var stopwatch = Stopwatch.StartNew();
        var load = supervisors.Select((client, index) => Task.Run(async () =>
        {
            for (var n = 0; stopwatch.Elapsed < TimeSpan.FromSeconds(9); n++)
            {
                var id = ids[(index + n) % ids.Count];
                var message = $"urge-{index}-{n}-end";
                HttpResponseMessage response;
                var current = await client.GetAsync($"/api/proposals/{id}");
                if (current.StatusCode != HttpStatusCode.OK)
                {
                    statuses.AddOrUpdate((int)current.StatusCode, 1, (_, c) => c + 1);
                    await Task.Delay(100);
                    continue;
                }
                var version = Chain.Version(JsonNode.Parse(await current.Content.ReadAsStringAsync())!.AsObject());
                response = await client.ActOnVersionAsync(id, "urge", version, new { message }, idempotencyKey: $"load-{index}-{n}");
                statuses.AddOrUpdate((int)response.StatusCode, 1, (_, c) => c + 1);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    acknowledged.Add((id, message));
                }
            }
        })).ToList();
        await Task.Delay(TimeSpan.FromSeconds(3));
        _database.Relay.Cut();
        await Task.Delay(TimeSpan.FromSeconds(2));
        _database.Relay.Restore();
        await Task.WhenAll(load);

        output.WriteLine("answers: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} × {s.Value}")));
        Assert.All(statuses.Keys, status => Assert.Contains(status, new[] { 200, 409, 503 }));
        Assert.True(statuses.GetValueOrDefault(503) > 0, "the outage was not seen: no request got 503");
        Assert.True(statuses.GetValueOrDefault(200) > 0, "nothing was acknowledged");
        foreach (var (id, message) in acknowledged)
        {
            Assert.Equal(1, Direct($"SELECT COUNT(*) FROM audit_events WHERE proposal_id = {id} AND action = 'urge' AND data LIKE '%{message}%'"));
        }
        // After the outage the host serves every item again.
        foreach (var id in ids)
        {
            Assert.Equal(HttpStatusCode.OK, (await supervisors[0].GetAsync($"/api/proposals/{id}")).StatusCode);
        }
    }

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
