using Dapper;

namespace Proposals.Data.Topics;

/// <summary>A research topic the committee set, with the parties that have it.</summary>
public sealed record Topic(long Id, string Title, string Description, int Year, DateOnly ResearchDeadline, string State, bool OpenForClaiming, IReadOnlyList<TopicParty> Parties, DateTimeOffset CreatedAt);

/// <summary>A party that was assigned a topic or claimed it.</summary>
public sealed record TopicParty(long OrganizationId, string How, DateTimeOffset At);

/// <summary>Why a claim was refused.</summary>
public enum ClaimRefusal
{
    None,
    NotFound,
    Closed,
    NotOpenForClaiming,
    AlreadyClaimed,
}

/// <summary>Research topics (课题): created by the committee, assigned to parties or claimed by them.</summary>
public sealed class TopicStore(Database database)
{
    private sealed class TopicRow
    {
        public long Id { get; init; }
        public string Title { get; init; } = "";
        public string Description { get; init; } = "";
        public int Year { get; init; }
        public DateOnly ResearchDeadline { get; init; }
        public string State { get; init; } = "";
        public DateTime CreatedAt { get; init; }
    }

    private sealed class PartyRow
    {
        public long TopicId { get; init; }
        public long OrganizationId { get; init; }
        public string How { get; init; } = "";
        public DateTime At { get; init; }
    }

    private const string SelectTopics = """
        SELECT id AS Id, title AS Title, description AS Description, year AS Year, research_deadline AS ResearchDeadline,
               state AS State, created_at AS CreatedAt
        FROM topics
        """;

    public async Task<long> CreateAsync(string title, string description, int year, DateOnly researchDeadline, IReadOnlyList<long> assignedPartyIds, long createdBy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                database.Dialect.InsertReturningId("topics", "title, description, year, research_deadline, state, created_by, created_at",
                    "@title, @description, @year, @researchDeadline, @state, @createdBy, @now"),
                new { title, description, year, researchDeadline, state = assignedPartyIds.Count > 0 ? "claimed" : "open", createdBy, now = now.UtcDateTime },
                transaction, cancellationToken: cancellationToken));
            foreach (var party in assignedPartyIds)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO topic_parties (topic_id, organization_id, how, at) VALUES (@id, @party, 'assigned', @now)",
                    new { id, party, now = now.UtcDateTime }, transaction, cancellationToken: cancellationToken));
            }
            return id;
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<Topic>> ListAsync(int? year, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var topics = await connection.QueryAsync<TopicRow>(new CommandDefinition(
            SelectTopics + " WHERE (@year IS NULL OR year = @year) ORDER BY year DESC, id DESC", new { year }, cancellationToken: cancellationToken));
        var parties = await connection.QueryAsync<PartyRow>(new CommandDefinition(
            """
            SELECT tp.topic_id AS TopicId, tp.organization_id AS OrganizationId, tp.how AS How, tp.at AS At
            FROM topic_parties tp JOIN topics t ON t.id = tp.topic_id
            WHERE (@year IS NULL OR t.year = @year)
            ORDER BY tp.at
            """, new { year }, cancellationToken: cancellationToken));
        var byTopic = parties.ToLookup(p => p.TopicId);
        return topics.Select(t => Map(t, byTopic[t.Id])).ToList();
    }

    public async Task<Topic?> FindAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var topic = await connection.QuerySingleOrDefaultAsync<TopicRow>(new CommandDefinition(SelectTopics + " WHERE id = @id", new { id }, cancellationToken: cancellationToken));
        if (topic is null)
        {
            return null;
        }
        var parties = await connection.QueryAsync<PartyRow>(new CommandDefinition(
            "SELECT topic_id AS TopicId, organization_id AS OrganizationId, how AS How, at AS At FROM topic_parties WHERE topic_id = @id ORDER BY at",
            new { id }, cancellationToken: cancellationToken));
        return Map(topic, parties);
    }

    /// <summary>Records a party's claim of an open topic; refuses a closed, assigned or already claimed one.</summary>
    public async Task<ClaimRefusal> ClaimAsync(long topicId, long partyId, DateOnly today, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            return await database.InTransactionAsync(async (connection, transaction) =>
            {
                var topic = await connection.QuerySingleOrDefaultAsync<TopicRow>(new CommandDefinition(
                    SelectTopics + " WHERE id = @topicId", new { topicId }, transaction, cancellationToken: cancellationToken));
                if (topic is null)
                {
                    return ClaimRefusal.NotFound;
                }
                if (topic.State == "closed" || topic.ResearchDeadline < today)
                {
                    return ClaimRefusal.Closed;
                }
                var how = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
                    "SELECT how FROM topic_parties WHERE topic_id = @topicId AND organization_id = @partyId", new { topicId, partyId }, transaction, cancellationToken: cancellationToken));
                if (how is not null)
                {
                    return ClaimRefusal.AlreadyClaimed;
                }
                var assigned = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                    "SELECT COUNT(*) FROM topic_parties WHERE topic_id = @topicId AND how = 'assigned'", new { topicId }, transaction, cancellationToken: cancellationToken));
                if (assigned > 0)
                {
                    return ClaimRefusal.NotOpenForClaiming;
                }
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO topic_parties (topic_id, organization_id, how, at) VALUES (@topicId, @partyId, 'claimed', @now)",
                    new { topicId, partyId, now = now.UtcDateTime }, transaction, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE topics SET state = 'claimed' WHERE id = @topicId AND state = 'open'", new { topicId }, transaction, cancellationToken: cancellationToken));
                return ClaimRefusal.None;
            }, cancellationToken);
        }
        catch (Exception ex) when (database.IsUniqueViolation(ex))
        {
            return ClaimRefusal.AlreadyClaimed;
        }
    }

    /// <summary>Closes a topic to further claims and drafts; returns false when there is no such open topic.</summary>
    public async Task<bool> CloseAsync(long topicId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE topics SET state = 'closed', closed_at = @now WHERE id = @topicId AND state <> 'closed'",
            new { topicId, now = now.UtcDateTime }, cancellationToken: cancellationToken));
        return changed == 1;
    }

    private static Topic Map(TopicRow row, IEnumerable<PartyRow> parties)
    {
        var list = parties.Select(p => new TopicParty(p.OrganizationId, p.How, new DateTimeOffset(DateTime.SpecifyKind(p.At, DateTimeKind.Utc)))).ToList();
        return new Topic(row.Id, row.Title, row.Description, row.Year, row.ResearchDeadline, row.State,
            row.State != "closed" && list.All(p => p.How != "assigned"), list, new DateTimeOffset(DateTime.SpecifyKind(row.CreatedAt, DateTimeKind.Utc)));
    }
}
