using Dapper;
using Proposals.Engine.Execution;

namespace Proposals.Data.Organizations;

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
        await using var connection = await database.OpenAsync(cancellationToken);
        var existing = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            "SELECT id FROM organizations WHERE code = @code", new { code }, cancellationToken: cancellationToken));
        if (existing is { } id)
        {
            return id;
        }
        try
        {
            return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                database.Dialect.InsertReturningId("organizations", "code, name, kind, time_zone, active, created_at", "@code, @name, @kind, 'Asia/Shanghai', @active, @now"),
                new { code, name, kind = KindText(kind), active = true, now = now.UtcDateTime }, cancellationToken: cancellationToken));
        }
        catch (Exception ex) when (database.IsUniqueViolation(ex))
        {
            // Another caller added the code between our look-up and our insert; theirs is the one.
            return await connection.QuerySingleAsync<long>(new CommandDefinition(
                "SELECT id FROM organizations WHERE code = @code", new { code }, cancellationToken: cancellationToken));
        }
    }

    public static string KindText(OrganizationKind kind) => kind.ToString().ToLowerInvariant();

    public static OrganizationKind ParseKind(string text) => Enum.Parse<OrganizationKind>(text, ignoreCase: true);
}
