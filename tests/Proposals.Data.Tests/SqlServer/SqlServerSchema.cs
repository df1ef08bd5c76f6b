using Proposals.Data.Migrations;

namespace Proposals.Data.Tests.SqlServer;

/// <summary>
/// The tables and columns a SQL Server database has after the shipped scripts ran, read from the scripts themselves
/// (CREATE TABLE, ALTER TABLE ADD/DROP COLUMN, CREATE INDEX) in the order DbUp runs them.
/// </summary>
internal sealed class SqlServerSchema
{
    private readonly Dictionary<string, List<string>> _tables = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<string> TableNames => _tables.Keys;

    public IReadOnlyList<string>? Columns(string table) => _tables.TryGetValue(table, out var columns) ? columns : null;

    internal void AddTable(string table, IEnumerable<string> columns) => _tables[table] = [.. columns];

    internal void AddColumn(string table, string column) => _tables[table].Add(column);

    internal void DropColumn(string table, string column) => _tables[table].RemoveAll(c => c.Equals(column, StringComparison.OrdinalIgnoreCase));

    internal void DropTable(string table) => _tables.Remove(table);

    /// <summary>
    /// The schema the shipped db/sqlserver scripts build; every script is also bound against the schema the scripts
    /// before it built, and what does not bind is added to <paramref name="problems"/> with the script's name.
    /// </summary>
    public static SqlServerSchema FromShippedScripts(List<string> problems)
    {
        var schema = new SqlServerSchema();
        foreach (var name in DatabaseMigrator.ScriptNames(DatabaseProvider.SqlServer))
        {
            problems.AddRange(SqlServerChecker.Apply(schema, DatabaseMigrator.ScriptText(name)).Select(p => $"{name}: {p}"));
        }
        return schema;
    }

    /// <summary>The schema of the shipped scripts; fails if any of them does not bind.</summary>
    public static SqlServerSchema Shipped()
    {
        var problems = new List<string>();
        var schema = FromShippedScripts(problems);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        return schema;
    }
}
