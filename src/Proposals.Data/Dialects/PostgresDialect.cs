using System.Data.Common;
using Npgsql;

namespace Proposals.Data.Dialects;

/// <summary>PostgreSQL: RETURNING for generated ids, LIMIT/OFFSET paging, and row locks that skip rows another host holds.</summary>
public sealed class PostgresDialect : SqlDialect
{
    private const string UniqueViolation = "23505";

    public override DbConnection CreateConnection(string connectionString) => new NpgsqlConnection(connectionString);

    public override string Paging => "LIMIT @Limit OFFSET @Offset";

    public override string InsertReturningId(string table, string columns, string values) =>
        $"INSERT INTO {table} ({columns}) VALUES ({values}) RETURNING id";

    public override bool IsUniqueViolation(Exception exception) =>
        exception is PostgresException { SqlState: UniqueViolation };

    // Dapper hands Npgsql an array as one parameter rather than expanding it, so the list is compared with ANY.
    public override string InList(string column, string parameter) => $"{column} = ANY(@{parameter})";
}
