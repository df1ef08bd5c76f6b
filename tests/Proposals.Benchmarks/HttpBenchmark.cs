using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Proposals.Data.Organizations;
using Proposals.Engine.Definitions;

namespace Proposals.Benchmarks;

/// <summary>
/// Issue #8, items 2 and 5: actions per second and their latency through the real host on 127.0.0.1, with 1, 10 and
/// 50 clients, each its own user and token; beside the same clients asking <c>/health/live</c>, which touches
/// neither the engine nor the database. And the host's working set idle and at the end of the 50-client load.
/// </summary>
internal sealed class HttpBenchmark(BenchmarkOptions options)
{
    private const string Name = "http";
    private const string MemoryName = "memory";
    private static readonly int[] ClientCounts = [1, 10, 50];
    private static readonly string[] Parties = ["minmeng", "jiusan", "minge", "minjian", "minjin", "nonggong", "zhigong", "taimeng"];

    public async Task<IReadOnlyList<ResultRow>> RunAsync(BenchmarkDatabase database, string databaseName, CancellationToken cancellationToken)
    {
        await using var host = new BenchmarkHost(database);
        var address = host.StartKestrel();
        var idle = WorkingSetAfterCollection();
        var clients = await SignInAsync(host, address, ClientCounts.Max(), cancellationToken);
        try
        {
            var rows = new List<ResultRow>();
            var counts = options.Runs(BenchmarkKind.Http) ? ClientCounts : [ClientCounts.Max()];
            double loaded = 0;
            foreach (var count in counts)
            {
                var health = await Load.RunAsync(count, options.Timed(1, 10), i => () => clients[i].HealthAsync(cancellationToken));
                var actions = await Load.RunAsync(count, options.Timed(3, 30), i => clients[i].NextActionAsync(cancellationToken));
                loaded = WorkingSet();
                if (options.Runs(BenchmarkKind.Http))
                {
                    rows.Add(ResultRow.Measured(Name, databaseName, RateFigure(count), actions.PerSecond, "actions/s", health.PerSecond, HealthName(count)));
                    foreach (var percent in new[] { 50, 95, 99 })
                    {
                        rows.Add(ResultRow.Measured(Name, databaseName, LatencyFigure(count, percent), actions.Percentile(percent), "ms", health.Percentile(percent), HealthName(count)));
                    }
                }
            }
            if (options.Runs(BenchmarkKind.Memory))
            {
                rows.Add(ResultRow.Measured(MemoryName, databaseName, MemoryFigure, loaded, "MB", idle, MemoryBaselineName));
            }
            return rows;
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    public static IEnumerable<ResultRow> Skipped(BenchmarkOptions options, string database, string note)
    {
        var rows = new List<ResultRow>();
        if (options.Runs(BenchmarkKind.Http))
        {
            foreach (var count in ClientCounts)
            {
                rows.Add(ResultRow.Missing(Name, database, RateFigure(count), "actions/s", HealthName(count), note));
                rows.AddRange(new[] { 50, 95, 99 }.Select(percent => ResultRow.Missing(Name, database, LatencyFigure(count, percent), "ms", HealthName(count), note)));
            }
        }
        if (options.Runs(BenchmarkKind.Memory))
        {
            rows.Add(ResultRow.Missing(MemoryName, database, MemoryFigure, "MB", MemoryBaselineName, note));
        }
        return rows;
    }

    private static string RateFigure(int clients) => $"actions/s, {EngineBenchmark.Plural(clients, "client")} (create draft, submit)";

    private static string LatencyFigure(int clients, int percent) => $"p{percent} action latency, {EngineBenchmark.Plural(clients, "client")}";

    private static string HealthName(int clients) => $"GET /health/live, {EngineBenchmark.Plural(clients, "client")}";

    private const string MemoryFigure = "working set at the end of the 50-client load (host in-process)";

    private const string MemoryBaselineName = "working set idle, after start and a GC";

    private static double WorkingSetAfterCollection()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return WorkingSet();
    }

    private static double WorkingSet()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64 / (1024.0 * 1024.0);
    }

    /// <summary>
    /// Users of their own, one per client, spread over the parties, with tokens issued by the store: signing in is
    /// deliberately slow (password hashing) and is not what is measured.
    /// </summary>
    private static async Task<List<Client>> SignInAsync(BenchmarkHost host, Uri address, int count, CancellationToken cancellationToken)
    {
        var users = host.Get<UserStore>();
        var organizations = (await host.Get<OrganizationStore>().ListAsync(cancellationToken)).ToDictionary(o => o.Code, o => o.Id);
        var hash = host.Get<IPasswordHasher<UserAccount>>().HashPassword(new UserAccount(0, "benchmark", "benchmark", 0, "", true, []), Guid.NewGuid().ToString());
        var clients = new List<Client>();
        for (var i = 0; i < count; i++)
        {
            var party = Parties[i % Parties.Length];
            var userId = await users.UpsertAsync($"bench.client{i:00}", $"压测用户 {i:00}", organizations[party], hash, [Roles.PartyAdmin], DateTimeOffset.UtcNow, cancellationToken);
            var token = await users.IssueTokenAsync(userId, DateTimeOffset.UtcNow, TimeSpan.FromDays(1), cancellationToken);
            clients.Add(new Client(address, token.Token));
        }
        return clients;
    }

    /// <summary>One client: its own connection and token; it drafts a proposal and submits it, over and over.</summary>
    private sealed class Client : IDisposable
    {
        private readonly HttpClient _http;

        public Client(Uri address, string token)
        {
            _http = new HttpClient { BaseAddress = address };
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        public async Task HealthAsync(CancellationToken cancellationToken)
        {
            using var response = await _http.GetAsync(new Uri("/health/live", UriKind.Relative), cancellationToken);
            await ExpectAsync(response, cancellationToken);
        }

        /// <summary>Each call is one action: a new draft, then submitting it (at the version the draft answered with).</summary>
        public Func<Task> NextActionAsync(CancellationToken cancellationToken)
        {
            long? draft = null;
            return async () =>
            {
                if (draft is { } id)
                {
                    draft = null;
                    await PostAsync($"/api/proposals/{id}/actions/submit", """{"version":1}""", cancellationToken);
                }
                else
                {
                    using var body = JsonDocument.Parse(await PostAsync("/api/proposals", """{"title":"关于优化营商环境的建议","summary":"三条建议","body":"一、……"}""", cancellationToken));
                    draft = body.RootElement.GetProperty("id").GetInt64();
                }
            };
        }

        private async Task<string> PostAsync(string path, string json, CancellationToken cancellationToken)
        {
            using var content = new StringContent(json, Encoding.UTF8, "application/json");
            using var response = await _http.PostAsync(new Uri(path, UriKind.Relative), content, cancellationToken);
            return await ExpectAsync(response, cancellationToken);
        }

        private static async Task<string> ExpectAsync(HttpResponseMessage response, CancellationToken cancellationToken)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            return response.IsSuccessStatusCode ? text : throw new InvalidOperationException($"{response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {text}");
        }

        public void Dispose() => _http.Dispose();
    }
}
