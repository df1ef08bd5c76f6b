using System.Diagnostics;
using Dapper;
using Npgsql;
using Proposals.Host.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Proposals.Host.Tests.Concurrency;

/// <summary>
/// A fault with real processes on PostgreSQL: a host killed with SIGKILL in the middle of a dispatch batch. Its claimed
/// rows wait out their short lease (no heartbeat beats for them any more), another host takes them, and every reminder
/// is sent exactly once.
/// </summary>
public sealed class KilledHostFacts(ITestOutputHelper output) : IDisposable
{
    private const int Reminders = 300;
    // Each reminder goes to this many recipients, so that a batch does real work for a while (a row per notice).
    private const int RecipientsEach = 60;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(90);

    private readonly TestDatabase _database = TestDatabases.Postgres();

    public void Dispose() => _database.Dispose();

    [SkippableFact]
    public async Task A_host_killed_mid_batch_leaves_its_reminders_to_another_host_after_the_lease_and_each_is_sent_exactly_once()
    {
        Skip.If(_database.Unavailable is not null, _database.Unavailable);
        long proposalId, taskRowId, firstId;
        using (var seed = new ProposalsHost(_database))
        {
            using var chain = await Chain.StartAsync(seed);
            proposalId = await chain.AdoptedAsync();
            taskRowId = seed.Scalar($"SELECT MIN(id) FROM tasks WHERE proposal_id = {proposalId} AND closed_at IS NULL");
            firstId = seed.Scalar("SELECT COALESCE(MAX(id), 0) FROM reminders") + 1;
        }
        await using (var connection = new NpgsqlConnection(_database.ConnectionString))
        {
            // Real processes run on the real clock: these came due an hour ago. Each has its own role, so the notices
            // each reminder wrote can be counted.
            var due = DateTime.UtcNow.AddHours(-1);
            await connection.ExecuteAsync(
                """
                INSERT INTO reminders (proposal_id, task_row_id, level, due_at, recipients, flag_key, status, created_at)
                VALUES (@proposalId, @taskRowId, 'reminder', @due, @recipients, false, 'pending', @due)
                """,
                Enumerable.Range(0, Reminders).Select(n => new
                {
                    proposalId,
                    taskRowId,
                    due,
                    recipients = "[" + string.Join(",", Enumerable.Repeat($$"""{"organizationKind":"Supervision","role":"fault-{{n}}"}""", RecipientsEach)) + "]",
                }));
        }
        var settings = new Dictionary<string, string>
        {
            ["Database:Provider"] = "PostgreSql",
            ["ConnectionStrings:Proposals"] = _database.ConnectionString,
            ["Proposals:WorkflowsPath"] = RepositoryPaths.Workflows,
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            ["Jobs:Lease"] = Lease.ToString(),
            ["Jobs:BatchSize"] = "25",
            ["Jobs:Schedules:dispatch-reminders"] = "*/5 * * * * *",
        };

        var clock = Stopwatch.StartNew();
        long sentBeforeKill;
        List<(long Id, DateTime ClaimedUntil)> heldByA;
        using (var hostA = HostProgram.Start(settings))
        {
            var started = await WaitForAsync(() => Sent(firstId) > Reminders / 10, TimeSpan.FromSeconds(120));
            Assert.True(started, $"host A sent too few reminders to kill it mid-batch ({Sent(firstId)}):\n{hostA.Output}");
            var pid = hostA.Process.Id;
            hostA.Kill();
            // Read after the kill: a row A finished a moment before it died is not one it left behind.
            heldByA = Query<(long, DateTime)>($"SELECT id, claimed_until FROM reminders WHERE id >= {firstId} AND status = 'pending' AND claimed_by LIKE '%:{pid}:%'");
            sentBeforeKill = Sent(firstId);
        }
        var killedAt = clock.Elapsed;
        output.WriteLine($"{Reminders} reminders × {RecipientsEach} notices; host A sent {sentBeforeKill} before SIGKILL at {killedAt.TotalSeconds:F1} s, holding {heldByA.Count} claimed rows");
        Assert.InRange(sentBeforeKill, 1, Reminders - 1);
        Assert.NotEmpty(heldByA);

        using var hostB = HostProgram.Start(settings);
        var done = await WaitForAsync(() => Sent(firstId) == Reminders, RecoveryBound);
        var recovered = clock.Elapsed - killedAt;
        output.WriteLine($"host B finished the rest {recovered.TotalSeconds:F1} s after the kill (lease {Lease.TotalSeconds:F0} s)");
        Assert.True(done, $"only {Sent(firstId)} of {Reminders} sent within {RecoveryBound.TotalSeconds} s of the kill:\n{hostB.Output}");

        // Exactly once: every reminder's notices are there, none twice.
        var perReminder = Query<(string Role, long Count)>($"SELECT role, COUNT(*) FROM notifications WHERE role LIKE 'fault-%' GROUP BY role");
        Assert.Equal(Reminders, perReminder.Count);
        Assert.All(perReminder, r => Assert.Equal(RecipientsEach, r.Count));
        // The rows A held were sent by B only once their lease had run out.
        var ids = string.Join(",", heldByA.Select(r => r.Id));
        var sentAt = Query<(long Id, DateTime SentAt)>($"SELECT id, sent_at FROM reminders WHERE id IN ({ids})").ToDictionary(r => r.Id, r => r.SentAt);
        Assert.All(heldByA, r => Assert.True(sentAt[r.Id] >= r.ClaimedUntil, $"reminder {r.Id} was sent at {sentAt[r.Id]:o}, before A's lease ended at {r.ClaimedUntil:o}"));
    }

    private long Sent(long firstId) => _database.Scalar<long>($"SELECT COUNT(*) FROM reminders WHERE id >= {firstId} AND status = 'sent'");

    private List<T> Query<T>(string sql) => [.. _database.Query<T>(sql)];

    // Polls a condition on the database; what is awaited is the other processes' work, not the passing of time.
    private static async Task<bool> WaitForAsync(Func<bool> condition, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < within)
        {
            if (condition())
            {
                return true;
            }
            await Task.Delay(100);
        }
        return condition();
    }
}
