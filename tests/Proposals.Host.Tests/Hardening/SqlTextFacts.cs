using System.Text.RegularExpressions;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Hardening;

/// <summary>
/// Every value reaches the database as a parameter. The service's code is read as text: each piece of SQL built with
/// interpolation or concatenation may only put in fragments of SQL text the code itself spells (a dialect's paging,
/// a viewer's filter, a column list), named in the list below, never a value. A new interpolation fails this test until
/// someone has looked at it and either made it a parameter or added the fragment here.
/// </summary>
public sealed partial class SqlTextFacts
{
    /// <summary>Expressions known to produce SQL text the code spells itself, never a caller's value.</summary>
    private static readonly HashSet<string> SqlFragments = new(StringComparer.Ordinal)
    {
        // Dialect pieces: paging, list parameters, JSON access, claiming (their own arguments are fixed by the callers).
        "database.Dialect.Paging", "database.Dialect.InList(\"id\", \"ids\")", "database.Dialect.InList(\"p.id\", \"ids\")", "database.Dialect.InList(\"r.id\", \"ids\")",
        "database.Dialect.InList(\"a.id\", \"ids\")", "dialect.InList(\"id\", \"ids\")", "database.Dialect.InList(\"notification_id\", \"ids\")",
        // The retention store's batch bound: a time column or expression its own methods spell.
        "timeColumn",
        "dialect.InList(\"e.action\", \"Actions\")", "dialect.InList(\"t.task_id\", \"Steps\")",
        "dialect.JsonText(\"e.data\", \"partly\")", "dialect.JsonText(\"e.data\", \"category\")", "dialect.JsonText(\"e.data\", \"rating\")",
        "dialect.JsonText(\"e.data\", \"attitudeRating\")", "dialect.JsonText(\"l.data\", property)",
        "table", "columns", "values", "due", "orderBy", "assignments", "where", "string.Join(\", \", columns)", "string.Join(\", \", columns.Select(c => \"INSERTED.\" + c.Trim()))",
        // Shared SELECT heads and WHERE conditions assembled from constant fragments.
        "SelectProposal", "SelectTasks", "SelectChains", "SelectAttachment", "ForViewer", "condition", "viewer.ProposalFilter",
        "party", "leadParty", "PartiesOn", "department", "owner", "actionParameter",
        "Latest(\"Adopt\", \"partly\")", "Latest(\"Reply\", \"category\")", "Latest(\"Evaluate\", \"rating\")",
        "(unreadOnly ? \"AND r.user_id IS NULL\" : \"\")",
        // The DBA's migration script: the text of the shipped db/ scripts and their own resource names, quotes doubled.
        "shippedScriptText", "quotedScriptName",
        "(scope.PartyId is null ? \"\" : \"AND p.party_id = @PartyId\")",
        "(scope.DepartmentId is null ? \"\" : \"WHERE x.OrganizationId = @DepartmentId\")",
        "(scope.DepartmentId is null ? \"\" : \"AND EXISTS (SELECT 1 FROM proposal_departments sd WHERE sd.proposal_id = p.id AND sd.organization_id = @DepartmentId)\")",
    };

    [GeneratedRegex("\\$+\"\"\"(.*?)\"\"\"|\\$\"((?:[^\"\\\\]|\\\\.)*)\"", RegexOptions.Singleline)]
    private static partial Regex InterpolatedString();

    [GeneratedRegex("\\b(SELECT|INSERT INTO|UPDATE|DELETE FROM|WHERE)\\b")]
    private static partial Regex SqlWords();

    [GeneratedRegex("(?<!\\{)\\{([^{}]+)\\}(?!\\})")]
    private static partial Regex Hole();

    // "…SQL…" + value or value + "…SQL…": concatenation is allowed only with constant fragments of SQL.
    [GeneratedRegex("\"[^\"\\n]*\\b(?:SELECT|WHERE|VALUES|SET)\\b[^\"\\n]*\"\\s*\\+\\s*([A-Za-z_][\\w.]*)|([A-Za-z_][\\w.]*)\\s*\\+\\s*\"[^\"\\n]*\\b(?:SELECT|WHERE|AND|VALUES)\\b")]
    private static partial Regex Concatenation();

    private static readonly HashSet<string> ConstantFragments = new(StringComparer.Ordinal) { "SelectUsers", "SelectTopics", "SelectProposal", "SelectTasks", "Due" };

    [Fact]
    public void No_statement_puts_a_value_into_its_sql_text()
    {
        var source = Path.Combine(Path.GetDirectoryName(RepositoryPaths.File("Proposals.sln"))!, "src");
        var files = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)).ToList();
        var offenders = new List<string>();
        var statements = 0;
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            foreach (Match literal in InterpolatedString().Matches(text))
            {
                var body = literal.Groups[1].Success ? literal.Groups[1].Value : literal.Groups[2].Value;
                if (!SqlWords().IsMatch(body))
                {
                    continue;
                }
                statements++;
                foreach (Match hole in Hole().Matches(body))
                {
                    var expression = hole.Groups[1].Value.Trim();
                    if (!SqlFragments.Contains(expression))
                    {
                        offenders.Add($"{Path.GetRelativePath(source, file)}:{Line(text, literal.Index)}: {{{expression}}}");
                    }
                }
            }
            foreach (Match joined in Concatenation().Matches(text))
            {
                var name = joined.Groups[1].Success ? joined.Groups[1].Value : joined.Groups[2].Value;
                if (!ConstantFragments.Contains(name))
                {
                    offenders.Add($"{Path.GetRelativePath(source, file)}:{Line(text, joined.Index)}: concatenates {name}");
                }
            }
        }
        Assert.True(statements > 20, $"only {statements} interpolated statements were found: the scan no longer sees the stores");
        Assert.True(offenders.Count == 0, "SQL text built from something that is not a known fragment (make it a parameter):\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void The_scan_catches_a_value_written_into_a_statement()
    {
        const string bad = "var sql = $\"SELECT * FROM users WHERE username = '{username}'\";";
        var literal = InterpolatedString().Match(bad);
        Assert.Matches(SqlWords(), literal.Groups[2].Value);
        Assert.Equal("username", Hole().Match(literal.Groups[2].Value).Groups[1].Value);
        Assert.DoesNotContain("username", SqlFragments);
        Assert.Equal("name", Concatenation().Match("var sql = \"SELECT id FROM users WHERE username = '\" + name;").Groups[1].Value);
    }

    private static int Line(string text, int index) => text.AsSpan(0, index).Count('\n') + 1;
}
