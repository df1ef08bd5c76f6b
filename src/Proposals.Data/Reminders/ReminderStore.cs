using Dapper;
using Proposals.Data.Dialects;

namespace Proposals.Data.Reminders;

/// <summary>What a reminder is about, to word its message: the task, its deadline and the item.</summary>
public sealed record ReminderSubject(long ReminderId, long ProposalId, string Title, string TaskName, long OrganizationId, DateOnly? DueDate, bool TaskOpen);

/// <summary>A message a due reminder turns into, for one recipient (an organisation, or every organisation of a kind, and a role).</summary>
public sealed record ReminderNotice(long? OrganizationId, string? OrganizationKind, string? Role, string Kind, string Title, string Body);

/// <summary>A reminder or escalation row that has come due, claimed by one dispatcher for a lease.</summary>
public sealed record DueReminder(long Id, long ProposalId, long TaskRowId, string Level, DateTimeOffset DueAt, string Recipients, string? RepeatEvery, bool FlagKey)
{
    /// <summary>Attempts that failed before this claim.</summary>
    public int Attempts { get; init; }
}

/// <summary>A reminder row that failed too often and waits for an administrator, as the dead-letter list shows it.</summary>
public sealed record DeadReminder(long Id, long ProposalId, long TaskRowId, string Level, DateTimeOffset DueAt, int Attempts, string? LastError, DateTimeOffset DeadAt);

/// <summary>How many reminder rows wait to be sent, and how many have been dead-lettered.</summary>
public sealed record ReminderCounts(long Pending, long Dead);

/// <summary>Which due rows a dispatcher takes: reminders before a deadline, the notices after it (the escalation ladder), or both.</summary>
public enum ReminderLevels
{
    All,
    BeforeDeadline,
    Escalations,
}

/// <summary>
/// The reminder rows transitions schedule. A dispatcher claims due rows in small batches with a lease; a row
/// whose dispatcher died before marking it sent is claimed again once the lease has run out.
/// </summary>
public sealed class ReminderStore(Database database)
{
    // A dead-lettered row stays 'pending' (SQLite cannot alter the status check) and is passed over by its dead_at;
    // a row that failed waits for its next attempt.
    private const string Due = "status = 'pending' AND due_at <= @Now AND (claimed_until IS NULL OR claimed_until < @Now) AND dead_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= @Now)";
    private const int ErrorLimit = 2000;

    private static readonly string[] Columns = ["id AS Id", "proposal_id AS ProposalId", "task_row_id AS TaskRowId", "level AS Level", "due_at AS DueAt", "recipients AS Recipients", "repeat_every AS RepeatEvery", "flag_key AS FlagKey", "attempts AS Attempts"];

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
        public int Attempts { get; init; }
    }

    /// <summary>Claims up to <paramref name="batchSize"/> due reminders for <paramref name="owner"/> until <paramref name="now"/> + <paramref name="lease"/>.</summary>
    public async Task<IReadOnlyList<DueReminder>> ClaimDueAsync(string owner, DateTimeOffset now, int batchSize, TimeSpan lease, ReminderLevels levels, CancellationToken cancellationToken)
    {
        var due = levels switch
        {
            ReminderLevels.BeforeDeadline => Due + " AND level = 'reminder'",
            ReminderLevels.Escalations => Due + " AND level <> 'reminder'",
            _ => Due,
        };
        var rows = await Claims.ClaimAsync<Row>(database, "reminders", due, "due_at, id", Columns, owner, now, batchSize, lease, cancellationToken);
        return rows.OrderBy(r => r.DueAt).ThenBy(r => r.Id)
            .Select(r => new DueReminder(r.Id, r.ProposalId, r.TaskRowId, r.Level, DateValues.Load(r.DueAt), r.Recipients, r.RepeatEvery, r.FlagKey) { Attempts = r.Attempts }).ToList();
    }

    /// <summary>Extends the lease of the rows <paramref name="owner"/> still holds among <paramref name="ids"/>; returns how many it still holds.</summary>
    public Task<int> RenewAsync(string owner, IReadOnlyCollection<long> ids, DateTimeOffset until, CancellationToken cancellationToken) =>
        Claims.RenewAsync(database, "reminders", owner, ids, until, cancellationToken);

    private sealed class SubjectRow
    {
        public long ReminderId { get; init; }
        public long ProposalId { get; init; }
        public string Title { get; init; } = "";
        public string TaskName { get; init; } = "";
        public long OrganizationId { get; init; }
        public DateOnly? DueDate { get; init; }
        public DateTime? ClosedAt { get; init; }
    }

    /// <summary>The task and item each reminder is about.</summary>
    public async Task<IReadOnlyDictionary<long, ReminderSubject>> SubjectsAsync(IReadOnlyCollection<long> reminderIds, CancellationToken cancellationToken)
    {
        if (reminderIds.Count == 0)
        {
            return new Dictionary<long, ReminderSubject>();
        }
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<SubjectRow>(new CommandDefinition(
            $"""
            SELECT r.id AS ReminderId, p.id AS ProposalId, p.title AS Title, t.name AS TaskName, t.organization_id AS OrganizationId,
                   t.due_date AS DueDate, t.closed_at AS ClosedAt
            FROM reminders r
            JOIN tasks t ON t.id = r.task_row_id
            JOIN proposals p ON p.id = r.proposal_id
            WHERE {database.Dialect.InList("r.id", "ids")}
            """, new { ids = reminderIds.ToArray() }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.ReminderId, r => new ReminderSubject(r.ReminderId, r.ProposalId, r.Title, r.TaskName, r.OrganizationId, r.DueDate, r.ClosedAt is null));
    }

    /// <summary>
    /// Sends a claimed reminder: in one transaction it is marked sent, its messages join the outbox and, for a repeating
    /// rung, the next occurrence is scheduled. False, with nothing written, when the claim was lost or the task closed.
    /// </summary>
    public async Task<bool> DeliverAsync(DueReminder reminder, string owner, IReadOnlyList<ReminderNotice> notices, DateTimeOffset? repeatAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reminder);
        ArgumentNullException.ThrowIfNull(notices);
        return await database.InTransactionAsync<bool>(async (connection, transaction) =>
        {
            var changed = await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE reminders SET status = 'sent', sent_at = @Now, claimed_by = NULL, claimed_until = NULL
                WHERE id = @Id AND claimed_by = @Owner AND status = 'pending'
                """, new { reminder.Id, Owner = owner, Now = now.UtcDateTime }, transaction, cancellationToken: cancellationToken));
            if (changed == 0)
            {
                return (false, false);
            }
            foreach (var notice in notices)
            {
                await OutboxStore.InsertAsync(connection, transaction, reminder.ProposalId, notice, now, cancellationToken);
            }
            if (repeatAt is { } next)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO reminders (proposal_id, task_row_id, level, due_at, recipients, repeat_every, flag_key, status, created_at)
                    VALUES (@ProposalId, @TaskRowId, @Level, @DueAt, @Recipients, @RepeatEvery, @FlagKey, 'pending', @Now)
                    """,
                    new { reminder.ProposalId, reminder.TaskRowId, reminder.Level, DueAt = next.UtcDateTime, reminder.Recipients, reminder.RepeatEvery, reminder.FlagKey, Now = now.UtcDateTime },
                    transaction, cancellationToken: cancellationToken));
            }
            return (true, true);
        }, cancellationToken);
    }

    /// <summary>Cancels a claimed reminder whose task has closed since it was scheduled.</summary>
    public async Task<bool> CancelClaimedAsync(long id, string owner, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE reminders SET status = 'cancelled', claimed_by = NULL, claimed_until = NULL WHERE id = @id AND claimed_by = @owner AND status = 'pending'",
            new { id, owner }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>
    /// Records a failed attempt at a claimed reminder: tried again at <paramref name="retryAt"/>, or dead-lettered (dead_at
    /// set, status left 'pending') once <paramref name="maxAttempts"/> have failed. False when the claim was lost.
    /// </summary>
    public async Task<bool> MarkFailedAsync(long id, string owner, string error, DateTimeOffset retryAt, int maxAttempts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxAttempts);
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE reminders
            SET attempts = attempts + 1, last_error = @error, next_attempt_at = @retryAt,
                dead_at = CASE WHEN attempts + 1 >= @maxAttempts THEN @now ELSE NULL END,
                claimed_by = NULL, claimed_until = NULL
            WHERE id = @id AND claimed_by = @owner AND status = 'pending'
            """,
            new { id, owner, error = error.Length > ErrorLimit ? error[..ErrorLimit] : error, retryAt = retryAt.UtcDateTime, maxAttempts, now = now.UtcDateTime },
            cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Puts a dead-lettered reminder back in the queue, due at once with a fresh count of attempts; false when it is not dead.</summary>
    public async Task<bool> RequeueDeadAsync(long id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE reminders SET attempts = 0, dead_at = NULL, next_attempt_at = @now, claimed_by = NULL, claimed_until = NULL
            WHERE id = @id AND status = 'pending' AND dead_at IS NOT NULL
            """, new { id, now = now.UtcDateTime }, cancellationToken: cancellationToken)) == 1;
    }

    private sealed class DeadRow
    {
        public long Id { get; init; }
        public long ProposalId { get; init; }
        public long TaskRowId { get; init; }
        public string Level { get; init; } = "";
        public DateTime DueAt { get; init; }
        public int Attempts { get; init; }
        public string? LastError { get; init; }
        public DateTime DeadAt { get; init; }
    }

    /// <summary>Dead-lettered reminders, the latest to die first.</summary>
    public async Task<IReadOnlyList<DeadReminder>> ListDeadAsync(int offset, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<DeadRow>(new CommandDefinition(
            $"""
            SELECT id AS Id, proposal_id AS ProposalId, task_row_id AS TaskRowId, level AS Level, due_at AS DueAt,
                   attempts AS Attempts, last_error AS LastError, dead_at AS DeadAt
            FROM reminders
            WHERE status = 'pending' AND dead_at IS NOT NULL
            ORDER BY dead_at DESC, id DESC
            {database.Dialect.Paging}
            """, new { Offset = offset, Limit = limit }, cancellationToken: cancellationToken));
        return rows.Select(r => new DeadReminder(r.Id, r.ProposalId, r.TaskRowId, r.Level, DateValues.Load(r.DueAt), r.Attempts, r.LastError, DateValues.Load(r.DeadAt))).ToList();
    }

    private sealed class CountsRow
    {
        public long Pending { get; init; }
        public long Dead { get; init; }
    }

    /// <summary>Reminder rows still to send (dead letters apart) and dead letters, for readiness and the admin page.</summary>
    public async Task<ReminderCounts> CountsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // Properties, not the record's constructor: COUNT is int on SQL Server and bigint elsewhere.
        var counts = await connection.QuerySingleAsync<CountsRow>(new CommandDefinition(
            """
            SELECT (SELECT COUNT(*) FROM reminders WHERE status = 'pending' AND dead_at IS NULL) AS Pending,
                   (SELECT COUNT(*) FROM reminders WHERE status = 'pending' AND dead_at IS NOT NULL) AS Dead
            """, cancellationToken: cancellationToken));
        return new ReminderCounts(counts.Pending, counts.Dead);
    }
}
