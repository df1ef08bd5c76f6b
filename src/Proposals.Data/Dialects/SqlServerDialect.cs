using System.Data.Common;
using Microsoft.Data.SqlClient;

namespace Proposals.Data.Dialects;

/// <summary>SQL Server: OUTPUT INSERTED for generated ids and OFFSET/FETCH paging.</summary>
public sealed class SqlServerDialect : SqlDialect
{
    // 2627: PRIMARY KEY or UNIQUE constraint; 2601: unique index.
    private static readonly int[] DuplicateKeyErrors = [2627, 2601];

    public override DbConnection CreateConnection(string connectionString) => new SqlConnection(connectionString);

    public override string Paging => "OFFSET @Offset ROWS FETCH NEXT @Limit ROWS ONLY";

    public override string InsertReturningId(string table, string columns, string values) =>
        $"INSERT INTO {table} ({columns}) OUTPUT INSERTED.id VALUES ({values})";

    public override bool IsUniqueViolation(Exception exception) =>
        exception is SqlException sql && sql.Errors.Cast<SqlError>().Any(e => DuplicateKeyErrors.Contains(e.Number));
}
