using System.Text.Json.Nodes;
using Dapper;
using Proposals.Data.Attachments;

namespace Proposals.Data.Proposals;

/// <summary>Why an event breaks its item's chain.</summary>
public enum ChainBreak
{
    /// <summary>The event's stored content no longer gives its stored hash: a column was changed.</summary>
    ContentChanged,

    /// <summary>The event's previous hash is not the stored hash of the item's previous event: an earlier event was changed or replaced.</summary>
    ChainBroken,

    /// <summary>The event has no hash although the history was sealed.</summary>
    MissingHash,

    /// <summary>The item's sequence numbers skip one (or its last events are missing): an event was deleted.</summary>
    SequenceGap,

    /// <summary>A file the event names (data.attachments) is missing, or its stored chunks no longer give the recorded SHA-256.</summary>
    AttachmentChanged,
}

/// <summary>The first event that does not match; <paramref name="EventId"/> is null when the event at that sequence is missing.</summary>
public sealed record ChainMismatch(long ProposalId, long Sequence, long? EventId, ChainBreak Reason);

/// <summary>The outcome of recomputing the chains: how much was checked and the first mismatch, if any.</summary>
public sealed record HistoryVerification(long ItemsChecked, long EventsChecked, ChainMismatch? FirstMismatch)
{
    public bool Intact => FirstMismatch is null;
}

/// <summary>
/// Recomputes every item's hash chain and names the first event that does not match; seals the events written
/// before the chain existed, once, so that from then on they are covered too.
/// </summary>
public sealed class HistoryVerifier(Database database)
{
    // The job_runs row that says the events written before migration 0006 were sealed: after it, a missing hash is tampering.
    private const string SealJob = "seal-audit-history";
    private const string SealRunKey = "0006";

    private readonly AttachmentStore _attachments = new(database);

    /// <summary>An item with one of its events (none when the item has none), as the chain reads it.</summary>
    internal sealed class ChainRow
    {
        public long ProposalId { get; init; }
        public int ProposalVersion { get; init; }
        public long? EventId { get; init; }
        public long Sequence { get; init; }
        public string Action { get; init; } = "";
        public string FromState { get; init; } = "";
        public string ToState { get; init; } = "";
        public long ActorUserId { get; init; }
        public string ActorName { get; init; } = "";
        public long OrganizationId { get; init; }
        public DateTime At { get; init; }
        public string? Comment { get; init; }
        public string Data { get; init; } = "";
        public int WorkflowVersion { get; init; }
        public string? PreviousHash { get; init; }
        public string? Hash { get; init; }

        public AuditEventContent Content => new(ProposalId, Sequence, Action, FromState, ToState, ActorUserId, ActorName, OrganizationId, At, Comment, Data, WorkflowVersion);
    }

    // Every item, with its events; an item whose events were all deleted still has its row, with no event.
    internal const string SelectChains = """
        SELECT p.id AS ProposalId, p.version AS ProposalVersion, e.id AS EventId, e.sequence AS Sequence, e.action AS Action,
               e.from_state AS FromState, e.to_state AS ToState, e.actor_user_id AS ActorUserId, e.actor_name AS ActorName,
               e.organization_id AS OrganizationId, e.at AS At, e.comment AS Comment, e.data AS Data, e.workflow_version AS WorkflowVersion,
               e.previous_hash AS PreviousHash, e.hash AS Hash
        FROM proposals p LEFT JOIN audit_events e ON e.proposal_id = p.id
        """;

    /// <summary>Recomputes the chain of every item, or of one item; streams the events, so the size of the history does not matter.</summary>
    public async Task<HistoryVerification> VerifyAsync(long? proposalId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = connection.QueryUnbufferedAsync<ChainRow>(
            $"{SelectChains} {(proposalId is null ? "" : "WHERE p.id = @proposalId")} ORDER BY p.id, e.sequence", new { proposalId });
        long items = 0;
        long events = 0;
        ChainMismatch? first = null;
        ItemChain? item = null;
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            if (item is null || row.ProposalId != item.ProposalId)
            {
                first ??= item?.End();
                item = new ItemChain(row.ProposalId, row.ProposalVersion);
                items++;
            }
            if (row.EventId is not null)
            {
                events++;
                first ??= item.Check(row) ?? await CheckAttachmentsAsync(row, cancellationToken);
            }
        }
        first ??= item?.End();
        return new HistoryVerification(items, events, first);
    }

    // The files an intact event names must still be the files it named: each one's chunks are hashed again, on a
    // connection of their own, since the events are still streaming on the first.
    private async Task<ChainMismatch?> CheckAttachmentsAsync(ChainRow row, CancellationToken cancellationToken)
    {
        if (!row.Data.Contains("\"attachments\"", StringComparison.Ordinal) || JsonNode.Parse(row.Data)?["attachments"] is not JsonArray files)
        {
            return null;
        }
        foreach (var file in files)
        {
            var id = file?["id"]?.GetValue<long>();
            var recorded = file?["sha256"]?.GetValue<string>();
            var stored = id is { } attachmentId ? await _attachments.ComputeSha256Async(attachmentId, cancellationToken) : null;
            if (stored is null || !string.Equals(stored, recorded, StringComparison.Ordinal))
            {
                return new ChainMismatch(row.ProposalId, row.Sequence, row.EventId, ChainBreak.AttachmentChanged);
            }
        }
        return null;
    }

    /// <summary>The state of one item's chain while its events stream past, oldest first.</summary>
    private sealed class ItemChain(long proposalId, int proposalVersion)
    {
        private long _lastSequence;
        private string? _lastHash = AuditChain.FirstPreviousHash;

        public long ProposalId => proposalId;

        public ChainMismatch? Check(ChainRow row)
        {
            var expectedPrevious = _lastHash;
            var expectedSequence = _lastSequence + 1;
            _lastSequence = row.Sequence;
            _lastHash = row.Hash;
            ChainBreak? reason = row.Sequence != expectedSequence ? ChainBreak.SequenceGap
                : row.Hash is null ? ChainBreak.MissingHash
                : !string.Equals(row.PreviousHash, expectedPrevious, StringComparison.Ordinal) ? ChainBreak.ChainBroken
                : !string.Equals(AuditChain.Hash(row.Content, row.PreviousHash), row.Hash, StringComparison.Ordinal) ? ChainBreak.ContentChanged
                : null;
            return reason is { } found ? new ChainMismatch(proposalId, row.Sequence, row.EventId, found) : null;
        }

        // Every transition bumps the item's version and writes the event of that sequence, so fewer events than the version means the last were deleted.
        public ChainMismatch? End() =>
            _lastSequence < proposalVersion ? new ChainMismatch(proposalId, _lastSequence + 1, null, ChainBreak.SequenceGap) : null;
    }

    internal const string StoreHashes = "UPDATE audit_events SET previous_hash = @PreviousHash, hash = @Hash WHERE id = @EventId";

    /// <summary>
    /// Once per database: gives every event that has no hash yet (those written before the chain existed) its hash,
    /// recomputing each such item's chain from its first unsealed event on. Returns the number of events sealed.
    /// Later calls do nothing, so that a hash removed afterwards is reported rather than quietly restored.
    /// </summary>
    public async Task<int> SealLegacyEventsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM job_runs WHERE job = @job AND run_key = @runKey", new { job = SealJob, runKey = SealRunKey },
                cancellationToken: cancellationToken)) > 0)
            {
                return 0;
            }
        }
        return await SealAsync(now, cancellationToken);
    }

    internal async Task<int> SealAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        List<long> items;
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            items = (await connection.QueryAsync<long>(new CommandDefinition(
                "SELECT DISTINCT proposal_id FROM audit_events WHERE hash IS NULL ORDER BY proposal_id", cancellationToken: cancellationToken))).ToList();
        }
        var sealedEvents = 0;
        foreach (var proposalId in items)
        {
            sealedEvents += await SealItemAsync(proposalId, cancellationToken);
        }
        try
        {
            await database.InTransactionAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO job_runs (job, run_key, at) VALUES (@job, @runKey, @now)",
                new { job = SealJob, runKey = SealRunKey, now = now.UtcDateTime }, transaction, cancellationToken: cancellationToken)), cancellationToken);
        }
        catch (Exception ex) when (database.IsUniqueViolation(ex))
        {
            // Another host sealed at the same time; both computed the same hashes.
        }
        return sealedEvents;
    }

    internal Task<int> SealItemAsync(long proposalId, CancellationToken cancellationToken) =>
        database.InTransactionAsync(async (connection, transaction) =>
        {
            // Takes the item's row lock, as every transition does first, so no transition writes an event of the item meanwhile.
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE proposals SET version = version WHERE id = @proposalId", new { proposalId }, transaction, cancellationToken: cancellationToken));
            var rows = (await connection.QueryAsync<ChainRow>(new CommandDefinition(
                $"{SelectChains} WHERE p.id = @proposalId AND e.id IS NOT NULL ORDER BY e.sequence",
                new { proposalId }, transaction, cancellationToken: cancellationToken))).ToList();
            var firstUnsealed = rows.FindIndex(r => r.Hash is null);
            if (firstUnsealed < 0)
            {
                return 0;
            }
            var previousHash = firstUnsealed == 0 ? AuditChain.FirstPreviousHash : rows[firstUnsealed - 1].Hash;
            foreach (var row in rows.Skip(firstUnsealed))
            {
                var hash = AuditChain.Hash(row.Content, previousHash);
                await connection.ExecuteAsync(new CommandDefinition(
                    StoreHashes, new { PreviousHash = previousHash, Hash = hash, row.EventId }, transaction, cancellationToken: cancellationToken));
                previousHash = hash;
            }
            return rows.Count - firstUnsealed;
        }, cancellationToken);
}
