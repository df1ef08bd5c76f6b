using System.Text.Json.Nodes;
using Dapper;
using Microsoft.AspNetCore.Http;
using Proposals.Data;
using Proposals.Data.Organizations;
using Proposals.Host.Auth;
using Proposals.Host.Proposals;

namespace Proposals.Benchmarks;

/// <summary>
/// Issue #8, item 1: transitions per second through the host's own action path (read the item, run the engine, write
/// one transaction, read the answer), beside the raw commit rate of the same transaction shape written with Dapper.
/// </summary>
internal sealed class EngineBenchmark(BenchmarkOptions options)
{
    private const string Name = "engine";

    public async Task<IReadOnlyList<ResultRow>> RunAsync(BenchmarkDatabase benchmarkDatabase, string database, CancellationToken cancellationToken)
    {
        await using var host = new BenchmarkHost(benchmarkDatabase);
        var duration = options.Timed(1.5, 15);
        var walkers = await ChainWalker.CreateAsync(host, cancellationToken);
        var rows = new List<ResultRow>();
        foreach (var workers in new[] { 1, 8 })
        {
            var shapes = new List<RawTransition>();
            for (var i = 0; i < workers; i++)
            {
                shapes.Add(await RawTransition.CreateAsync(host, walkers, cancellationToken));
            }
            var raw = await Load.RunAsync(workers, duration, i => shapes[i].CommitAsync);
            var engine = await Load.RunAsync(workers, duration, _ => walkers.NewWalk(cancellationToken));
            rows.Add(ResultRow.Measured(Name, database, Figure(workers), engine.PerSecond, Unit, raw.PerSecond, BaselineName(workers)));
        }
        return rows;
    }

    public static IEnumerable<ResultRow> Skipped(string database, string note) =>
        new[] { 1, 8 }.Select(workers => ResultRow.Missing(Name, database, Figure(workers), Unit, BaselineName(workers), note));

    private const string Unit = "actions/s";

    private static string Figure(int workers) => $"actions/s, {Plural(workers, "worker")} (create … evaluate through ProposalActions)";

    private static string BaselineName(int workers) => $"raw Dapper commit (update with version check + audit + reminder), {Plural(workers, "connection")}";

    internal static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    /// <summary>The demo city's people and a proposal's whole chain, walked one action at a time.</summary>
    internal sealed class ChainWalker
    {
        private readonly ProposalActions _actions;
        private readonly IReadOnlyList<(Caller Caller, string Action, Func<JsonObject?> Data)> _steps;

        private ChainWalker(ProposalActions actions, Caller member, IReadOnlyList<(Caller, string, Func<JsonObject?>)> steps)
        {
            _actions = actions;
            Member = member;
            _steps = steps;
        }

        public Caller Member { get; }

        public static async Task<ChainWalker> CreateAsync(BenchmarkHost host, CancellationToken cancellationToken)
        {
            var organizations = (await host.Get<OrganizationStore>().ListAsync(cancellationToken)).ToDictionary(o => o.Code, o => o.Id);
            async Task<Caller> As(string username) => await host.CallerAsync(username, cancellationToken);
            var (member, partyAdmin, government) = (await As("minmeng.member"), await As("minmeng.admin"), await As("zfb.reviewer"));
            var (lead, co1, co2) = (await As("fgj.handler"), await As("jyj.handler"), await As("zjj.handler"));
            return new ChainWalker(host.Get<ProposalActions>(), member,
            [
                (member, "submit-for-review", () => null),
                (partyAdmin, "submit", () => null),
                (government, "adopt", () => new JsonObject
                {
                    ["partly"] = false,
                    ["instruction"] = "请发改局牵头，教育局、住建局配合",
                    ["leadDepartmentId"] = organizations["fgj"],
                    ["coDepartmentIds"] = new JsonArray(organizations["jyj"], organizations["zjj"]),
                }),
                (lead, "sign", () => null),
                (co1, "sign", () => null),
                (co2, "sign", () => null),
                (co1, "give-opinion", () => new JsonObject { ["text"] = "教育局同意主办单位意见" }),
                (co2, "give-opinion", () => new JsonObject { ["text"] = "住建局同意主办单位意见" }),
                // The host runs on the real clock; a contact is recorded on the day it took place.
                (lead, "record-contact", () => new JsonObject
                {
                    ["contactDate"] = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                    ["method"] = "meeting",
                    ["text"] = "与民盟市委会商定办理思路",
                }),
                (lead, "reply", () => new JsonObject { ["text"] = "已出台若干措施", ["category"] = "A" }),
                (partyAdmin, "evaluate", () => new JsonObject { ["rating"] = "satisfied", ["attitudeRating"] = "satisfied" }),
            ]);
        }

        /// <summary>A new draft by the party member, as the API creates it; returns its id.</summary>
        public async Task<long> CreateDraftAsync(CancellationToken cancellationToken)
        {
            var result = await _actions.CreateAsync(Member, new CreateProposalRequest(null, "关于优化营商环境的建议", "三条建议", "一、……"), null, cancellationToken);
            return Expect<ProposalView>(result, "create").Id;
        }

        /// <summary>One worker's operation: each call applies the next action of its current proposal, and starts a new one after the last.</summary>
        public Func<Task> NewWalk(CancellationToken cancellationToken)
        {
            long id = 0;
            var step = -1;
            return async () =>
            {
                if (step < 0)
                {
                    id = await CreateDraftAsync(cancellationToken);
                }
                else
                {
                    var (caller, action, data) = _steps[step];
                    // The draft is version 1 and each action adds one.
                    Expect<ProposalView>(await _actions.ApplyAsync(caller, id, action, new ActionRequest(step + 1, null, data()), null, cancellationToken), action);
                }
                step = step + 1 == _steps.Count ? -1 : step + 1;
            };
        }

        private static T Expect<T>(IResult result, string action) =>
            result is IValueHttpResult { Value: T value } and IStatusCodeHttpResult { StatusCode: StatusCodes.Status200OK or StatusCodes.Status201Created }
                ? value
                : throw new InvalidOperationException($"'{action}' was refused: {result.GetType().Name} {(result as IValueHttpResult)?.Value}");
    }

    /// <summary>The transaction shape of a transition, written directly: one row updated with a version check, an audit row, a reminder row.</summary>
    private sealed class RawTransition(Database database, long proposalId, long taskRowId, long userId, long organizationId)
    {
        private int _version = 1;

        public static async Task<RawTransition> CreateAsync(BenchmarkHost host, ChainWalker walker, CancellationToken cancellationToken)
        {
            var id = await walker.CreateDraftAsync(cancellationToken);
            var database = host.Get<Database>();
            await using var connection = await database.OpenAsync(cancellationToken);
            var taskRowId = await connection.ExecuteScalarAsync<long>("SELECT MIN(id) FROM tasks WHERE proposal_id = @id", new { id });
            return new RawTransition(database, id, taskRowId, walker.Member.UserId, walker.Member.OrganizationId);
        }

        public async Task CommitAsync()
        {
            var now = DateTime.UtcNow;
            var next = _version + 1;
            await database.InTransactionAsync(async (connection, transaction) =>
            {
                var changed = await connection.ExecuteAsync(
                    "UPDATE proposals SET version = @next, updated_at = @now WHERE id = @proposalId AND version = @version",
                    new { next, now, proposalId, version = _version }, transaction);
                if (changed != 1)
                {
                    throw new InvalidOperationException($"Proposal {proposalId} is not at version {_version}.");
                }
                await connection.ExecuteAsync(
                    """
                    INSERT INTO audit_events (proposal_id, sequence, action, from_state, to_state, actor_user_id, actor_name, organization_id, at, comment, data, workflow_version)
                    VALUES (@proposalId, @next, 'benchmark', 'draft', 'draft', @userId, 'benchmark', @organizationId, @now, NULL, '{}', 1)
                    """, new { proposalId, next, userId, organizationId, now }, transaction);
                // Cancelled at once: the row has the shape of a scheduled reminder but nothing should ever send it.
                await connection.ExecuteAsync(
                    """
                    INSERT INTO reminders (proposal_id, task_row_id, level, due_at, recipients, repeat_every, flag_key, status, created_at)
                    VALUES (@proposalId, @taskRowId, 'reminder', @now, '[]', NULL, @flagKey, 'cancelled', @now)
                    """, new { proposalId, taskRowId, now, flagKey = false }, transaction);
                return 0;
            }, CancellationToken.None);
            _version = next;
        }
    }
}
