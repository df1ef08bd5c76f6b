using Dapper;
using Proposals.Data.Dialects;

namespace Proposals.Data.Reminders;

/// <summary>What a reminder is about, to word its message: the task, its deadline and the item.</summary>
public sealed record ReminderSubject(long ReminderId, long ProposalId, string Title, string TaskName, long OrganizationId, DateOnly? DueDate, bool TaskOpen);

/// <summary>A message a due reminder turns into, for one recipient (an organisation, or every organisation of a kind, and a role).</summary>
public sealed record ReminderNotice(long? OrganizationId, string? OrganizationKind, string? Role, string Kind, string Title, string Body);

/// <summary>A reminder or escalation row that has come due, claimed by one dispatcher for a lease.</summary>
public sealed record DueReminder(long Id, long ProposalId, long TaskRowId, string Level, DateTimeOffset DueAt, string Recipients, string? RepeatEvery, bool FlagKey);

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
            .Select(r => new DueReminder(r.Id, r.ProposalId, r.TaskRowId, r.Level, DateValues.Load(r.DueAt), r.Recipients, r.RepeatEvery, r.FlagKey)).ToList();
    }

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
}
