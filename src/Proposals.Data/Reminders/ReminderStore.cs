using Dapper;
using Proposals.Data.Dialects;

namespace Proposals.Data.Reminders;

/// <summary>A reminder or escalation row that has come due, claimed by one dispatcher for a lease.</summary>
public sealed record DueReminder(long Id, long ProposalId, long TaskRowId, string Level, DateTimeOffset DueAt, string Recipients, string? RepeatEvery, bool FlagKey);

/// <summary>
/// The reminder rows transitions schedule. A dispatcher claims due rows in small batches with a lease; a row
/// whose dispatcher died before marking it sent is claimed again once the lease has run out.
/// </summary>
public sealed class ReminderStore(Database database)
{
    private const string Due = "status = 'pending' AND due_at <= @Now AND (claimed_until IS NULL OR claimed_until < @Now)";

    private static readonly string[] Columns = ["id AS Id", "proposal_id AS ProposalId", "task_row_id AS TaskRowId", "level AS Level", "due_at AS DueAt", "recipients AS Recipients", "repeat_every AS RepeatEvery", "flag_key AS FlagKey"];

    private sealed class Row
    {
        public long Id { get; init; }
        public long ProposalId { get; init; }
        public long TaskRowId { get; init; }
        public string Level { get; init; } = "";
        public DateTime DueAt { get; init; }
        public string Recipients { get; init; } = "[]";
        public string? RepeatEvery { get; init; }
        public bool FlagKey { get; init; }
    }

    /// <summary>Claims up to <paramref name="batchSize"/> due reminders for <paramref name="owner"/> until <paramref name="now"/> + <paramref name="lease"/>.</summary>
    public async Task<IReadOnlyList<DueReminder>> ClaimDueAsync(string owner, DateTimeOffset now, int batchSize, TimeSpan lease, CancellationToken cancellationToken)
    {
        var rows = await Claims.ClaimAsync<Row>(database, "reminders", Due, "due_at, id", Columns, owner, now, batchSize, lease, cancellationToken);
        return rows.OrderBy(r => r.DueAt).ThenBy(r => r.Id)
            .Select(r => new DueReminder(r.Id, r.ProposalId, r.TaskRowId, r.Level, DateValues.Load(r.DueAt), r.Recipients, r.RepeatEvery, r.FlagKey)).ToList();
    }

    /// <summary>Marks a claimed reminder sent; false when the claim was lost (lease over, or the task closed meanwhile).</summary>
    public async Task<bool> MarkSentAsync(long id, string owner, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE reminders SET status = 'sent', sent_at = @Now, claimed_by = NULL, claimed_until = NULL
            WHERE id = @id AND claimed_by = @owner AND status = 'pending'
            """, new { id, owner, Now = now.UtcDateTime }, cancellationToken: cancellationToken));
        return changed == 1;
    }
}
