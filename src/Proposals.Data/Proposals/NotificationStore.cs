using Dapper;
using Proposals.Data.Dialects;
using Proposals.Data.Organizations;

namespace Proposals.Data.Proposals;

/// <summary>An in-app notification as the inbox shows it.</summary>
public sealed record InboxNotification(long Id, long? ProposalId, string Kind, string Title, string Body, DateTimeOffset CreatedAt, bool Read);

/// <summary>The in-app side of the outbox: what each user has been told, and what they have read.</summary>
public sealed class NotificationStore(Database database)
{
    private sealed class Row
    {
        public long Id { get; init; }
        public long? ProposalId { get; init; }
        public string Kind { get; init; } = "";
        public string Title { get; init; } = "";
        public string Body { get; init; } = "";
        public DateTime CreatedAt { get; init; }
        public long? ReadBy { get; init; }
    }

    // A notification reaches a user when it names their organisation (or their organisation's kind) and, if it names a role, one of theirs.
    private string ForViewer => $"""
        (n.organization_id = @OrganizationId OR (n.organization_id IS NULL AND n.organization_kind = @Kind))
        AND (n.role IS NULL OR {database.Dialect.InList("n.role", "Roles")})
        """;

    public async Task<IReadOnlyList<InboxNotification>> ForViewerAsync(Viewer viewer, bool unreadOnly, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"""
            SELECT n.id AS Id, n.proposal_id AS ProposalId, n.kind AS Kind, n.title AS Title, n.body AS Body, n.created_at AS CreatedAt, r.user_id AS ReadBy
            FROM notifications n
            LEFT JOIN notification_reads r ON r.notification_id = n.id AND r.user_id = @UserId
            WHERE {ForViewer} {(unreadOnly ? "AND r.user_id IS NULL" : "")}
            ORDER BY n.id DESC
            {database.Dialect.Paging}
            """,
            new { viewer.UserId, viewer.OrganizationId, Kind = OrganizationStore.KindText(viewer.OrganizationKind), Roles = viewer.Roles.DefaultIfEmpty("-").ToArray(), Offset = 0, Limit = limit },
            cancellationToken: cancellationToken));
        return rows.Select(r => new InboxNotification(r.Id, r.ProposalId, r.Kind, r.Title, r.Body, DateValues.Load(r.CreatedAt), r.ReadBy is not null)).ToList();
    }

    /// <summary>Marks notifications the viewer can see as read; returns how many were newly marked.</summary>
    public async Task<int> MarkReadAsync(Viewer viewer, IReadOnlyCollection<long> ids, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var marked = 0;
        await database.InTransactionAsync(async (connection, transaction) =>
        {
            foreach (var id in ids.Distinct())
            {
                marked += await connection.ExecuteAsync(new CommandDefinition(
                    $"""
                    INSERT INTO notification_reads (notification_id, user_id, read_at)
                    SELECT n.id, @UserId, @now FROM notifications n
                    WHERE n.id = @id AND {ForViewer}
                      AND NOT EXISTS (SELECT 1 FROM notification_reads x WHERE x.notification_id = n.id AND x.user_id = @UserId)
                    """,
                    new { id, viewer.UserId, viewer.OrganizationId, Kind = OrganizationStore.KindText(viewer.OrganizationKind), Roles = viewer.Roles.DefaultIfEmpty("-").ToArray(), now = now.UtcDateTime },
                    transaction, cancellationToken: cancellationToken));
            }
            return marked;
        }, cancellationToken);
        return marked;
    }
}
