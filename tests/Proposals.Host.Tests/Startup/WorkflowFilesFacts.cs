using System.Net;
using System.Text.Json.Nodes;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Startup;

public sealed class WorkflowFilesFactsOnSqlite() : WorkflowFilesFacts(TestDatabases.Sqlite);

public sealed class WorkflowFilesFactsOnPostgres() : WorkflowFilesFacts(TestDatabases.Postgres);

public sealed class WorkflowFilesFactsOnSqlServer() : WorkflowFilesFacts(TestDatabases.SqlServer);

public abstract class WorkflowFilesFacts : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "proposals-workflows", Guid.NewGuid().ToString("N"));
    private readonly TestDatabase _database;

    protected WorkflowFilesFacts(Func<TestDatabase> database)
    {
        _database = database();
        Directory.CreateDirectory(_folder);
    }

    public void Dispose()
    {
        _database.Dispose();
        Directory.Delete(_folder, recursive: true);
        GC.SuppressFinalize(this);
    }

    private TestDatabase Database
    {
        get
        {
            Skip.If(_database.Unavailable is not null, _database.Unavailable);
            return _database;
        }
    }

    private static JsonObject Shipped() => JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Workflows, "proposal-chain.json")))!.AsObject();

    private string Write(string name, JsonObject definition)
    {
        var folder = Path.Combine(_folder, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, name), definition.ToJsonString());
        return folder;
    }

    [SkippableFact]
    public void The_host_refuses_to_start_on_an_invalid_definition_naming_the_file_the_place_and_the_reason()
    {
        var broken = Shipped();
        broken["actions"]![1]!["to"] = "nowhere";
        broken["tasks"]![0]!["reminders"]![0]!["before"] = "two weeks";
        using var host = new ProposalsHost(Database, workflowsPath: Write("proposal-chain.json", broken));

        var message = host.StartupFailure();
        Assert.Contains("proposal-chain.json: $.actions[1].to: unknown target state 'nowhere'", message);
        Assert.Contains("proposal-chain.json: $.tasks[0].reminders[0].before: bad duration 'two weeks'", message);
    }

    [SkippableFact]
    public void The_host_refuses_a_definition_that_is_not_json()
    {
        var folder = Path.Combine(_folder, "syntax");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "proposal-chain.json"), "{ \"id\": \"proposal-chain\", \"version\": 1, ");
        using var host = new ProposalsHost(Database, workflowsPath: folder);
        var message = host.StartupFailure();
        Assert.Contains("proposal-chain.json: $", message);
        Assert.Contains("line 1", message);
    }

    [SkippableFact]
    public async Task An_instance_stays_on_the_version_it_started_with_when_a_new_version_is_published()
    {
        var version1 = Write("proposal-chain.json", Shipped());
        long oldId;
        using (var first = new ProposalsHost(Database, workflowsPath: version1))
        {
            using var chain = await Chain.StartAsync(first);
            oldId = await chain.DraftAsync("第一版上起草");
        }

        var changed = Shipped();
        changed["version"] = 2;
        changed["states"]![0]!["name"] = "调研起草（第二版）";
        var folder = Write("proposal-chain.json", Shipped());
        File.WriteAllText(Path.Combine(folder, "proposal-chain.v2.json"), changed.ToJsonString());
        using var second = new ProposalsHost(Database, workflowsPath: folder);
        using var c = await Chain.StartAsync(second);

        var old = await c.Member.ProposalAsync(oldId);
        Assert.Equal(1, old["workflow"]!["version"]!.GetValue<int>());
        Assert.Equal("调研起草", old["stateName"]!.GetValue<string>());
        var fresh = await c.Member.ProposalAsync(await c.DraftAsync("第二版上起草"));
        Assert.Equal(2, fresh["workflow"]!["version"]!.GetValue<int>());
        Assert.Equal("调研起草（第二版）", fresh["stateName"]!.GetValue<string>());

        var workflows = await ApiClient.JsonArray(await c.Member.GetAsync("/api/workflows"), HttpStatusCode.OK);
        Assert.Equal([1, 2], workflows.Single()!["versions"]!.AsArray().Select(v => v!["version"]!.GetValue<int>()));
        Assert.Equal(HttpStatusCode.OK, (await c.Member.GetAsync("/api/workflows/proposal-chain?version=1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await c.Member.GetAsync("/api/workflows/proposal-chain?version=9")).StatusCode);
        // The old instance still moves on version 1.
        Assert.Equal("party-review", Chain.State(await c.Member.ActAsync(oldId, "submit-for-review")));
    }

    [SkippableFact]
    public async Task A_published_version_cannot_be_changed_without_a_new_version_number()
    {
        using (var first = new ProposalsHost(Database, workflowsPath: Write("proposal-chain.json", Shipped())))
        {
            using var client = first.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        }
        var edited = Shipped();
        edited["states"]![0]!["name"] = "偷偷改名";
        using var second = new ProposalsHost(Database, workflowsPath: Write("proposal-chain.json", edited));
        Assert.Contains("give the changed definition a new version number", second.StartupFailure());
    }

    [SkippableFact]
    public async Task The_graph_is_served_as_mermaid_and_an_unknown_format_is_refused()
    {
        using var host = new ProposalsHost(Database);
        using var user = await host.SignInAsync("dcs.supervisor");
        var graph = await user.GetAsync("/api/workflows/proposal-chain/graph?format=mermaid");
        Assert.Equal(HttpStatusCode.OK, graph.StatusCode);
        var text = await graph.Content.ReadAsStringAsync();
        Assert.StartsWith("stateDiagram-v2", text);
        Assert.Contains("government_review --> implementation : 采纳并交办", text);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await user.GetAsync("/api/workflows/proposal-chain/graph?format=png")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await user.GetAsync("/api/workflows/nothing/graph")).StatusCode);
    }
}
