using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Proposals.Engine.Definitions;
using Proposals.Host.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Proposals.Host.Tests.Authorization;

public sealed class ActionMatrixFactsOnSqlite(ITestOutputHelper output) : ActionMatrixFacts(TestDatabases.Sqlite, output);

public sealed class ActionMatrixFactsOnPostgres(ITestOutputHelper output) : ActionMatrixFacts(TestDatabases.Postgres, output);

public sealed class ActionMatrixFactsOnSqlServer(ITestOutputHelper output) : ActionMatrixFacts(TestDatabases.SqlServer, output);

/// <summary>
/// The authorisation matrix of issue #7: every action of the definition, as every kind of caller, on an item at each
/// position of the chain. Refused requests are tried on one shared item, since they must change nothing; each request
/// expected to succeed gets a new item at the same position, so that cells never see each other's effects.
/// </summary>
public abstract class ActionMatrixFacts(Func<TestDatabase> database, ITestOutputHelper output) : ChainFacts(database)
{
    public static TheoryData<string> Positions => new(ItemPosition.All.Select(p => p.Name));

    [SkippableTheory]
    [MemberData(nameof(Positions))]
    public async Task Exactly_the_actions_the_definition_authorises_succeed_and_every_other_is_refused_with_nothing_changed(string positionName)
    {
        var stopwatch = Stopwatch.StartNew();
        var position = ItemPosition.Named(positionName);
        var definition = MatrixDefinition.Load();
        var actors = await MatrixActor.SignInAsync(C);
        var cells = (from action in definition.Actions
                     from actor in actors
                     select new Cell(position, action, actor, ExpectedAnswer.For(definition, action, position, actor))).ToList();
        var mismatches = new List<string>();

        var shared = await position.BuildAsync(C);
        Assert.Equal(position.State, ItemSnapshot.Of(Host, shared).State);
        await CheckAllowedActionsAsync(shared, position, actors, cells, mismatches);
        var rowsBefore = Host.RowCounts();
        foreach (var cell in cells.Where(c => !c.Expected.Succeeds))
        {
            await TryAsync(cell, shared, mismatches);
        }
        var rowsAfter = Host.RowCounts();
        if (rowsAfter != rowsBefore)
        {
            mismatches.Add($"[{position}] the refused requests changed the database: {rowsBefore} became {rowsAfter}");
        }
        foreach (var cell in cells.Where(c => c.Expected.Succeeds))
        {
            await TryAsync(cell, await position.BuildAsync(C), mismatches);
        }

        output.WriteLine($"{position}: {cells.Count} cells, {cells.Count(c => c.Expected.Succeeds)} expected to succeed, {stopwatch.Elapsed.TotalSeconds:F1} s");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} cells of the matrix broke:\n{string.Join("\n", mismatches)}");
    }

    private sealed record Cell(ItemPosition Position, ActionDefinition Action, MatrixActor Actor, ExpectedAnswer Expected)
    {
        public override string ToString() => $"[{Position}] {Action.Id} as {Actor.Username}";
    }

    private async Task TryAsync(Cell cell, long id, List<string> mismatches)
    {
        var data = ValidActionData.For(cell.Action, C.Org, DateOnly.FromDateTime(Host.Clock.GetUtcNow().UtcDateTime));
        var before = ItemSnapshot.Of(Host, id);
        var response = await cell.Actor.Client.ActOnVersionAsync(id, cell.Action.Id, before.Version, data, comment: "权限矩阵");
        var after = ItemSnapshot.Of(Host, id);
        var status = (int)response.StatusCode;
        if (status != cell.Expected.Status)
        {
            mismatches.Add($"{cell}: expected {cell.Expected}, got {status}: {await response.Content.ReadAsStringAsync()}");
        }
        var wanted = cell.Expected.Succeeds
            ? before with { State = TargetState(cell.Action, cell.Position, data), Version = before.Version + 1, Events = before.Events + 1 }
            : before;
        if (status == cell.Expected.Status && after != wanted)
        {
            mismatches.Add($"{cell}: answered {status} but the item is {after}; expected {wanted}");
        }
    }

    private static string TargetState(ActionDefinition action, ItemPosition position, JsonObject data) =>
        action.Branches.FirstOrDefault(b => data[b.When.Field]?.ToString() == b.When.EqualsValue)?.To ?? action.To ?? position.State;

    /// <summary>What the item offers each caller must be exactly the cells expected to succeed, and nothing to those who may not see it.</summary>
    private static async Task CheckAllowedActionsAsync(long id, ItemPosition position, IReadOnlyList<MatrixActor> actors, List<Cell> cells, List<string> mismatches)
    {
        foreach (var actor in actors)
        {
            var response = await actor.Client.GetAsync($"/api/proposals/{id}");
            var maySee = ExpectedAnswer.MaySee(actor, ItemPosition.Party, position.Assigned, position.State);
            if (response.StatusCode != (maySee ? HttpStatusCode.OK : HttpStatusCode.NotFound))
            {
                mismatches.Add($"[{position}] GET as {actor.Username}: expected {(maySee ? 200 : 404)}, got {(int)response.StatusCode}");
                continue;
            }
            if (!maySee)
            {
                continue;
            }
            var offered = Chain.Allowed(JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject()).Order(StringComparer.Ordinal);
            var expected = cells.Where(c => c.Actor == actor && c.Expected.Succeeds).Select(c => c.Action.Id).Order(StringComparer.Ordinal);
            if (!offered.SequenceEqual(expected))
            {
                mismatches.Add($"[{position}] allowedActions for {actor.Username}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", offered)}]");
            }
        }
    }
}

/// <summary>The newest version of the proposal chain, which new items start on, as the engine loads it from the repository, so the matrix follows the file.</summary>
internal static class MatrixDefinition
{
    public static WorkflowDefinition Load()
    {
        var path = RepositoryPaths.File("workflows/proposal-chain.v3.json");
        var result = DefinitionLoader.Parse(path, File.ReadAllText(path));
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return result.Definition!;
    }
}

/// <summary>What an action changes on an item, read straight from the database.</summary>
internal sealed record ItemSnapshot(string State, int Version, long Events)
{
    public static ItemSnapshot Of(ProposalsHost host, long id) => new(
        host.Database.Scalar<string>($"SELECT state FROM proposals WHERE id = {id}"),
        (int)host.Scalar($"SELECT version FROM proposals WHERE id = {id}"),
        host.Scalar($"SELECT COUNT(*) FROM audit_events WHERE proposal_id = {id}"));
}
