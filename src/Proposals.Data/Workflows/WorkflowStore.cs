using System.Security.Cryptography;
using System.Text;
using Dapper;
using Proposals.Engine.Definitions;

namespace Proposals.Data.Workflows;

/// <summary>A published definition version as stored.</summary>
public sealed record PublishedWorkflow(WorkflowDefinition Definition, DateTimeOffset PublishedAt);

/// <summary>Why a definition could not be published.</summary>
public sealed record PublishConflict(string WorkflowId, int Version, string Reason);

/// <summary>
/// Published definition versions. A version, once published, never changes: instances started on it
/// keep running on it even after its file is replaced by a newer version.
/// </summary>
public sealed class WorkflowStore(Database database)
{
    private sealed class Row
    {
        public string WorkflowId { get; init; } = "";
        public int Version { get; init; }
        public string Content { get; init; } = "";
        public DateTime PublishedAt { get; init; }
    }

    /// <summary>Publishes each definition not yet stored; refuses one whose version is stored with other content.</summary>
    public async Task<IReadOnlyList<PublishConflict>> PublishAsync(IReadOnlyList<WorkflowDefinition> definitions, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            return await TryPublishAsync(definitions, now, cancellationToken);
        }
        catch (Exception ex) when (database.IsUniqueViolation(ex))
        {
            // Another host published the same version a moment ago; looking again compares against what it stored.
            return await TryPublishAsync(definitions, now, cancellationToken);
        }
    }

    private async Task<IReadOnlyList<PublishConflict>> TryPublishAsync(IReadOnlyList<WorkflowDefinition> definitions, DateTimeOffset now, CancellationToken cancellationToken)
    {
        return await database.InTransactionAsync<IReadOnlyList<PublishConflict>>(async (connection, transaction) =>
        {
            var conflicts = new List<PublishConflict>();
            foreach (var definition in definitions)
            {
                var content = DefinitionLoader.Serialize(definition);
                var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(content)));
                var stored = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
                    "SELECT content_hash FROM workflow_definitions WHERE workflow_id = @Id AND version = @Version",
                    new { definition.Id, definition.Version }, transaction, cancellationToken: cancellationToken));
                if (stored is null)
                {
                    await connection.ExecuteAsync(new CommandDefinition(
                        """
                        INSERT INTO workflow_definitions (workflow_id, version, name, content, content_hash, published_at)
                        VALUES (@Id, @Version, @Name, @content, @hash, @now)
                        """, new { definition.Id, definition.Version, definition.Name, content, hash, now = now.UtcDateTime }, transaction, cancellationToken: cancellationToken));
                }
                else if (stored != hash)
                {
                    conflicts.Add(new PublishConflict(definition.Id, definition.Version,
                        $"version {definition.Version} of '{definition.Id}' was published before with different content; give the changed definition a new version number"));
                }
            }
            // One conflicting file publishes nothing, so that a host never runs on half of a folder.
            return (conflicts.Count == 0, conflicts);
        }, cancellationToken);
    }

    /// <summary>Every published version, as parsed definitions.</summary>
    public async Task<IReadOnlyList<PublishedWorkflow>> LoadAllAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            """
            SELECT workflow_id AS WorkflowId, version AS Version, content AS Content, published_at AS PublishedAt
            FROM workflow_definitions ORDER BY workflow_id, version
            """, cancellationToken: cancellationToken));
        var result = new List<PublishedWorkflow>();
        foreach (var row in rows)
        {
            var parsed = DefinitionLoader.Parse($"database:{row.WorkflowId}@{row.Version}", row.Content);
            if (!parsed.IsValid)
            {
                throw new InvalidOperationException($"Stored workflow {row.WorkflowId} v{row.Version} no longer validates: {string.Join("; ", parsed.Errors)}");
            }
            result.Add(new PublishedWorkflow(parsed.Definition!, new DateTimeOffset(DateTime.SpecifyKind(row.PublishedAt, DateTimeKind.Utc))));
        }
        return result;
    }
}
