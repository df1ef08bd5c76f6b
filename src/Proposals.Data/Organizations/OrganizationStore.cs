using Dapper;
using Proposals.Engine.Execution;

namespace Proposals.Data.Organizations;

/// <summary>An organisation to create; <paramref name="ParentCode"/> may name one created earlier in the same batch.</summary>
public sealed record NewOrganization(string Code, string Name, OrganizationKind Kind, string? ParentCode);

/// <summary>What became of a request to delete an organisation.</summary>
public enum OrganizationRemoval
{
    Deleted,
    NotFound,
    Referenced,
}

/// <summary>An organisation row as the API shows it.</summary>
public sealed record Organization(long Id, string Code, string Name, OrganizationKind Kind, long? ParentId, string TimeZone, bool Active);

/// <summary>Organisations: the committee, parties, government office, departments and supervision office.</summary>
public sealed class OrganizationStore(Database database)
{
    private sealed class Row
    {
        public long Id { get; init; }
        public string Code { get; init; } = "";
        public string Name { get; init; } = "";
        public string Kind { get; init; } = "";
        public long? ParentId { get; init; }
        public string TimeZone { get; init; } = "";
        public bool Active { get; init; }
    }

    public async Task<IReadOnlyList<Organization>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            """
            SELECT id AS Id, code AS Code, name AS Name, kind AS Kind, parent_id AS ParentId, time_zone AS TimeZone, active AS Active
            FROM organizations
            ORDER BY id
            """, cancellationToken: cancellationToken));
        return rows.Select(r => new Organization(r.Id, r.Code, r.Name, ParseKind(r.Kind), r.ParentId, r.TimeZone, r.Active)).ToList();
    }

    /// <summary>The organisations keyed by id, as the engine reads them.</summary>
    public async Task<IReadOnlyDictionary<long, OrganizationInfo>> DirectoryAsync(CancellationToken cancellationToken) =>
        (await ListAsync(cancellationToken)).ToDictionary(o => o.Id, o => new OrganizationInfo(o.Id, o.Code, o.Name, o.Kind, o.TimeZone, o.Active));

    /// <summary>Adds an organisation, or returns the id of the one with the same code.</summary>
    public async Task<long> EnsureAsync(string code, string name, OrganizationKind kind, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            return await TryEnsureAsync(code, name, kind, now, cancellationToken);
        }
        catch (Exception ex) when (database.IsUniqueViolation(ex))
        {
            // Another host added the same code between our look and our insert: it is there now.
            return await TryEnsureAsync(code, name, kind, now, cancellationToken);
        }
    }

    private async Task<long> TryEnsureAsync(string code, string name, OrganizationKind kind, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var existing = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            "SELECT id FROM organizations WHERE code = @code", new { code }, cancellationToken: cancellationToken));
        if (existing is { } id)
        {
            return id;
        }
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            database.Dialect.InsertReturningId("organizations", "code, name, kind, time_zone, active, created_at", "@code, @name, @kind, 'Asia/Shanghai', @active, @now"),
            new { code, name, kind = KindText(kind), active = true, now = now.UtcDateTime }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Creates organisations in one transaction, in order: all of them or, when a code is taken (also by another host a
    /// moment ago) or a parent code is unknown, none. Returns their ids in order, or null when nothing was written.
    /// </summary>
    public async Task<IReadOnlyList<long>?> CreateAsync(IReadOnlyList<NewOrganization> organizations, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(organizations);
        try
        {
            return await database.InTransactionAsync<IReadOnlyList<long>?>(async (connection, transaction) =>
            {
                var ids = new List<long>();
                foreach (var organization in organizations)
                {
                    long? parentId = null;
                    if (organization.ParentCode is not null)
                    {
                        parentId = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
                            "SELECT id FROM organizations WHERE code = @ParentCode", new { organization.ParentCode }, transaction, cancellationToken: cancellationToken));
                        if (parentId is null)
                        {
                            return (false, null);
                        }
                    }
                    var taken = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                        "SELECT COUNT(*) FROM organizations WHERE code = @Code", new { organization.Code }, transaction, cancellationToken: cancellationToken));
                    if (taken > 0)
                    {
                        return (false, null);
                    }
                    ids.Add(await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                        database.Dialect.InsertReturningId("organizations", "code, name, kind, parent_id, time_zone, active, created_at", "@Code, @Name, @kind, @parentId, 'Asia/Shanghai', @active, @now"),
                        new { organization.Code, organization.Name, kind = KindText(organization.Kind), parentId, active = true, now = now.UtcDateTime },
                        transaction, cancellationToken: cancellationToken)));
                }
                return (true, ids);
            }, cancellationToken);
        }
        catch (Exception ex) when (database.IsUniqueViolation(ex))
        {
            return null;
        }
    }

    /// <summary>
    /// Renames an organisation, moves it under another parent, or (de)activates it; false when there is no such organisation.
    /// Deactivating revokes its users' tokens, so that reactivating it later does not bring old sessions back.
    /// </summary>
    public async Task<bool> UpdateAsync(long id, string name, long? parentId, bool active, DateTimeOffset now, CancellationToken cancellationToken)
    {
        return await database.InTransactionAsync<bool>(async (connection, transaction) =>
        {
            var changed = await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE organizations SET name = @name, parent_id = @parentId, active = @active WHERE id = @id",
                new { id, name, parentId, active }, transaction, cancellationToken: cancellationToken));
            if (changed > 0 && !active)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    UPDATE access_tokens SET revoked_at = @now
                    WHERE revoked_at IS NULL AND user_id IN (SELECT id FROM users WHERE organization_id = @id)
                    """,
                    new { id, now = now.UtcDateTime }, transaction, cancellationToken: cancellationToken));
            }
            return (changed > 0, changed > 0);
        }, cancellationToken);
    }

    /// <summary>Deletes an organisation nothing refers to (no user, item, step, topic, notification, event or child); one that is referenced stays and may be deactivated.</summary>
    public async Task<OrganizationRemoval> DeleteAsync(long id, CancellationToken cancellationToken)
    {
        return await database.InTransactionAsync<OrganizationRemoval>(async (connection, transaction) =>
        {
            var exists = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM organizations WHERE id = @id", new { id }, transaction, cancellationToken: cancellationToken));
            if (exists == 0)
            {
                return (false, OrganizationRemoval.NotFound);
            }
            var referenced = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                """
                SELECT CASE WHEN EXISTS (SELECT 1 FROM users WHERE organization_id = @id)
                              OR EXISTS (SELECT 1 FROM proposals WHERE party_id = @id)
                              OR EXISTS (SELECT 1 FROM proposal_departments WHERE organization_id = @id)
                              OR EXISTS (SELECT 1 FROM tasks WHERE organization_id = @id)
                              OR EXISTS (SELECT 1 FROM topic_parties WHERE organization_id = @id)
                              OR EXISTS (SELECT 1 FROM notifications WHERE organization_id = @id)
                              OR EXISTS (SELECT 1 FROM audit_events WHERE organization_id = @id)
                              OR EXISTS (SELECT 1 FROM organizations WHERE parent_id = @id)
                            THEN 1 ELSE 0 END
                """, new { id }, transaction, cancellationToken: cancellationToken));
            if (referenced > 0)
            {
                return (false, OrganizationRemoval.Referenced);
            }
            await connection.ExecuteAsync(new CommandDefinition("DELETE FROM organizations WHERE id = @id", new { id }, transaction, cancellationToken: cancellationToken));
            return (true, OrganizationRemoval.Deleted);
        }, cancellationToken);
    }

    public static string KindText(OrganizationKind kind) => kind.ToString().ToLowerInvariant();

    public static OrganizationKind ParseKind(string text) => Enum.Parse<OrganizationKind>(text, ignoreCase: true);
}
