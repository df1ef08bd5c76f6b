using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Proposals.Data.Tests.SqlServer;

/// <summary>
/// Parses a statement as SQL Server would and binds every table, column, alias and parameter in it to the schema
/// the shipped scripts build, so that what SQL Server would refuse at its first execution fails a test here instead.
/// Parsing alone proves only grammar: a misspelt column or a table the SQL Server scripts lack parses fine.
/// </summary>
internal static class SqlServerChecker
{
    /// <summary>
    /// The problems of one command: <paramref name="parameters"/> are the names the command supplies
    /// (with or without '@'); null when they are not known, and then parameters are not checked.
    /// </summary>
    public static IReadOnlyList<string> Check(SqlServerSchema schema, string sql, IEnumerable<string>? parameters) =>
        Run(schema, sql, parameters, applyDefinitions: false);

    /// <summary>Binds a migration script and applies what it defines to <paramref name="schema"/>.</summary>
    public static IReadOnlyList<string> Apply(SqlServerSchema schema, string script) =>
        Run(schema, script, [], applyDefinitions: true);

    private static List<string> Run(SqlServerSchema schema, string sql, IEnumerable<string>? parameters, bool applyDefinitions)
    {
        var problems = ForeignConstructs(sql);
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(sql);
        var fragment = parser.Parse(reader, out var errors);
        if (errors.Count > 0)
        {
            problems.AddRange(errors.Select(e => $"does not parse as T-SQL (line {e.Line}, column {e.Column}): {e.Message}"));
            return problems;
        }
        var binder = new Binder(schema, applyDefinitions);
        fragment.Accept(binder);
        problems.AddRange(binder.Problems);
        if (parameters is not null)
        {
            var supplied = parameters.Select(p => p.TrimStart('@')).ToHashSet(StringComparer.OrdinalIgnoreCase);
            problems.AddRange(binder.Variables
                .Where(v => !binder.Declared.Contains(v) && !supplied.Contains(v.TrimStart('@')))
                .Distinct(StringComparer.OrdinalIgnoreCase)
                .Select(v => $"parameter {v} is used but the command does not supply it (it supplies {(supplied.Count == 0 ? "none" : string.Join(", ", supplied.Order().Select(s => "@" + s)))})"));
        }
        return problems;
    }

    // What other dialects spell and T-SQL does not; some of it parses as T-SQL (a table alias named LIMIT), so the
    // tokens are read whether or not the whole parses, and each is named with what SQL Server uses instead.
    private static List<string> ForeignConstructs(string sql)
    {
        var problems = new List<string>();
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(sql);
        var tokens = parser.GetTokenStream(reader, out _)
            .Where(t => t.TokenType is not (TSqlTokenType.WhiteSpace or TSqlTokenType.SingleLineComment or TSqlTokenType.MultilineComment))
            .ToList();
        // Whether an ORDER BY came after the last SELECT, per depth of parentheses: T-SQL does not even parse an OFFSET
        // without one, so it is found here, where it can be named.
        var ordered = new Dictionary<int, bool>();
        var depth = 0;
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            var word = token.TokenType == TSqlTokenType.Identifier ? token.Text.ToUpperInvariant() : null;
            var at = $"line {token.Line}, column {token.Column}";
            switch (token.TokenType)
            {
                case TSqlTokenType.LeftParenthesis:
                    depth++;
                    break;
                case TSqlTokenType.RightParenthesis:
                    depth--;
                    break;
                case TSqlTokenType.Select:
                    ordered[depth] = false;
                    break;
                case TSqlTokenType.Order when i + 1 < tokens.Count && tokens[i + 1].TokenType == TSqlTokenType.By:
                    ordered[depth] = true;
                    break;
            }
            if (word == "OFFSET" && !ordered.GetValueOrDefault(depth))
            {
                problems.Add($"OFFSET … FETCH without ORDER BY at {at}: SQL Server refuses it; order the rows first");
            }
            else if (word == "LIMIT")
            {
                problems.Add($"LIMIT at {at} is not T-SQL: page with ORDER BY … OFFSET … ROWS FETCH NEXT … ROWS ONLY, or use TOP");
            }
            else if (word == "RETURNING")
            {
                problems.Add($"RETURNING at {at} is not T-SQL: use an OUTPUT INSERTED./DELETED. clause");
            }
            else if (word == "ILIKE")
            {
                problems.Add($"ILIKE at {at} is not T-SQL: LIKE already ignores case under the database's case-insensitive collation");
            }
            else if (word == "CONFLICT" && i > 0 && tokens[i - 1].TokenType == TSqlTokenType.On)
            {
                problems.Add($"ON CONFLICT at line {tokens[i - 1].Line}, column {tokens[i - 1].Column} is not T-SQL: insert WHERE NOT EXISTS, or catch the duplicate key (2627/2601)");
            }
            else if (token.TokenType == TSqlTokenType.DoubleColon)
            {
                problems.Add($":: at {at} is a PostgreSQL cast, not T-SQL: use CAST(… AS type)");
            }
        }
        return problems;
    }

    /// <summary>A table, view, CTE, derived table or table variable a name in a statement stands for; null columns when they cannot be known.</summary>
    private sealed record Source(string Name, string What, IReadOnlyList<string>? Columns)
    {
        public bool Has(string column) => Columns is null || Columns.Contains(column, StringComparer.OrdinalIgnoreCase);
    }

    private sealed class Scope(Scope? parent)
    {
        public Scope? Parent { get; } = parent;
        public List<Source> Sources { get; } = [];
        public HashSet<string> SelectAliases { get; } = new(StringComparer.OrdinalIgnoreCase);
        public bool InOrderBy { get; set; }
    }

    private sealed class Binder(SqlServerSchema schema, bool applyDefinitions) : TSqlFragmentVisitor
    {
        private static readonly HashSet<string> DatePartFunctions = new(StringComparer.OrdinalIgnoreCase)
        {
            "DATEADD", "DATEDIFF", "DATEDIFF_BIG", "DATEPART", "DATENAME", "DATETRUNC", "DATE_BUCKET",
        };

        // Functions of PostgreSQL and SQLite that SQL Server does not have, with what it has instead.
        private static readonly Dictionary<string, string> ForeignFunctions = new(StringComparer.OrdinalIgnoreCase)
        {
            ["CURRENT_SCHEMA"] = "SCHEMA_NAME()",
            ["NOW"] = "SYSUTCDATETIME() or a parameter",
            ["LENGTH"] = "LEN or DATALENGTH",
            ["SUBSTR"] = "SUBSTRING",
            ["IFNULL"] = "ISNULL or COALESCE",
            ["GROUP_CONCAT"] = "STRING_AGG",
            ["ARRAY_AGG"] = "STRING_AGG",
            ["STRFTIME"] = "FORMAT or CONVERT",
            ["TO_CHAR"] = "FORMAT or CONVERT",
            ["DATE_TRUNC"] = "DATETRUNC",
            ["JULIANDAY"] = "DATEDIFF",
            ["JSON_EXTRACT"] = "JSON_VALUE",
            ["RANDOM"] = "NEWID() or RAND()",
            ["GEN_RANDOM_UUID"] = "NEWID()",
        };

        private readonly Dictionary<string, Source> _ctes = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, Source> _local = new(StringComparer.OrdinalIgnoreCase);
        private Scope? _scope;

        public List<string> Problems { get; } = [];
        public List<string> Variables { get; } = [];
        public HashSet<string> Declared { get; } = new(StringComparer.OrdinalIgnoreCase);

        // Statements.

        public override void ExplicitVisit(SelectStatement node)
        {
            Ctes(node.WithCtesAndXmlNamespaces);
            var columns = Query(node.QueryExpression, _scope);
            if (node.Into is not null)
            {
                var name = node.Into.BaseIdentifier.Value;
                _local[name] = new Source(name, "table", columns);
            }
        }

        public override void ExplicitVisit(InsertStatement node)
        {
            Ctes(node.WithCtesAndXmlNamespaces);
            var spec = node.InsertSpecification;
            var target = Target(spec.Target, null);
            foreach (var column in spec.Columns)
            {
                var name = column.MultiPartIdentifier.Identifiers[^1].Value;
                if (target is not null && !target.Has(name))
                {
                    Problems.Add($"INSERT INTO {target.Name}: {name} is not a column of {target.What} {target.Name}");
                }
            }
            switch (spec.InsertSource)
            {
                case ValuesInsertSource values:
                    foreach (var row in values.RowValues)
                    {
                        if (spec.Columns.Count > 0 && row.ColumnValues.Count != spec.Columns.Count)
                        {
                            Problems.Add($"INSERT INTO {target?.Name} names {spec.Columns.Count} column(s) but gives {row.ColumnValues.Count} value(s)");
                        }
                        WithScope(new Scope(_scope), () => row.Accept(this));
                    }
                    break;
                case SelectInsertSource select:
                    var selected = Query(select.Select, _scope);
                    if (spec.Columns.Count > 0 && selected is not null && selected.Count != spec.Columns.Count)
                    {
                        Problems.Add($"INSERT INTO {target?.Name} names {spec.Columns.Count} column(s) but its SELECT gives {selected.Count}");
                    }
                    break;
                case { } other:
                    other.Accept(this);
                    break;
            }
            Output(target, spec.OutputClause, spec.OutputIntoClause, _scope);
        }

        public override void ExplicitVisit(UpdateStatement node)
        {
            Ctes(node.WithCtesAndXmlNamespaces);
            var spec = node.UpdateSpecification;
            var scope = new Scope(_scope);
            var target = ChangeTarget(spec.Target, spec.FromClause, scope);
            WithScope(scope, () =>
            {
                spec.TopRowFilter?.Accept(this);
                foreach (var set in spec.SetClauses)
                {
                    if (set is AssignmentSetClause { Column: { } column } assignment)
                    {
                        var name = column.MultiPartIdentifier.Identifiers[^1].Value;
                        if (column.MultiPartIdentifier.Count > 1)
                        {
                            Column(column);
                        }
                        else if (target is not null && !target.Has(name))
                        {
                            Problems.Add($"UPDATE {target.Name} SET {name}: {name} is not a column of {target.What} {target.Name}");
                        }
                        assignment.NewValue?.Accept(this);
                        if (assignment.Variable is not null)
                        {
                            Variables.Add(assignment.Variable.Name);
                        }
                    }
                    else
                    {
                        set.Accept(this);
                    }
                }
                spec.WhereClause?.Accept(this);
            });
            Output(target, spec.OutputClause, spec.OutputIntoClause, scope);
        }

        public override void ExplicitVisit(DeleteStatement node)
        {
            Ctes(node.WithCtesAndXmlNamespaces);
            var spec = node.DeleteSpecification;
            var scope = new Scope(_scope);
            var target = ChangeTarget(spec.Target, spec.FromClause, scope);
            WithScope(scope, () =>
            {
                spec.TopRowFilter?.Accept(this);
                spec.WhereClause?.Accept(this);
            });
            Output(target, spec.OutputClause, spec.OutputIntoClause, scope);
        }

        public override void ExplicitVisit(MergeStatement node) =>
            Problems.Add("MERGE is not bound by this checker; write it as UPDATE/INSERT or teach the checker MERGE");

        public override void ExplicitVisit(DeclareVariableStatement node)
        {
            foreach (var declaration in node.Declarations)
            {
                Declared.Add(declaration.VariableName.Value);
                declaration.Value?.Accept(this);
            }
        }

        public override void ExplicitVisit(DeclareTableVariableStatement node)
        {
            var name = node.Body.VariableName.Value;
            Declared.Add(name);
            _local[name] = new Source(name, "table variable", node.Body.Definition.ColumnDefinitions.Select(c => c.ColumnIdentifier.Value).ToList());
        }

        public override void ExplicitVisit(ExecuteSpecification node)
        {
            if (node.Variable is not null)
            {
                Variables.Add(node.Variable.Name);
            }
            if (node.ExecutableEntity is ExecutableProcedureReference procedure)
            {
                // "@Resource = @name": the left side names the procedure's parameter, only the right is this command's.
                foreach (var parameter in procedure.Parameters)
                {
                    parameter.ParameterValue?.Accept(this);
                }
            }
            else
            {
                node.ExecutableEntity?.Accept(this);
            }
        }

        // Definitions (migration scripts, temporary tables).

        public override void ExplicitVisit(CreateTableStatement node)
        {
            var name = node.SchemaObjectName.BaseIdentifier.Value;
            var columns = node.Definition.ColumnDefinitions.Select(c => c.ColumnIdentifier.Value).ToList();
            var duplicate = columns.GroupBy(c => c, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                Problems.Add($"CREATE TABLE {name} names column {duplicate.Key} twice");
            }
            if (name.StartsWith('#'))
            {
                _local[name] = new Source(name, "temporary table", columns);
                return;
            }
            if (!applyDefinitions)
            {
                Problems.Add($"CREATE TABLE {name} outside the migration scripts");
                return;
            }
            if (schema.Columns(name) is not null)
            {
                Problems.Add($"CREATE TABLE {name}: the table already exists");
            }
            schema.AddTable(name, columns);
            var own = new Source(name, "table", columns);
            foreach (var constraint in node.Definition.TableConstraints.Concat(node.Definition.ColumnDefinitions.SelectMany(c => c.Constraints)))
            {
                Constraint(own, constraint);
            }
            foreach (var index in node.Definition.Indexes)
            {
                foreach (var column in index.Columns)
                {
                    IndexColumn(own, column.Column);
                }
            }
        }

        public override void ExplicitVisit(AlterTableAddTableElementStatement node)
        {
            var table = ExistingTable(node.SchemaObjectName, "ALTER TABLE");
            if (table is null)
            {
                return;
            }
            foreach (var column in node.Definition.ColumnDefinitions)
            {
                if (table.Has(column.ColumnIdentifier.Value))
                {
                    Problems.Add($"ALTER TABLE {table.Name} ADD {column.ColumnIdentifier.Value}: the column already exists");
                }
                Define(() => schema.AddColumn(table.Name, column.ColumnIdentifier.Value));
            }
            var changed = new Source(table.Name, "table", schema.Columns(table.Name));
            foreach (var constraint in node.Definition.TableConstraints.Concat(node.Definition.ColumnDefinitions.SelectMany(c => c.Constraints)))
            {
                Constraint(changed, constraint);
            }
        }

        public override void ExplicitVisit(AlterTableDropTableElementStatement node)
        {
            var table = ExistingTable(node.SchemaObjectName, "ALTER TABLE");
            if (table is null)
            {
                return;
            }
            foreach (var element in node.AlterTableDropTableElements.Where(e => e.TableElementType == TableElementType.Column))
            {
                if (!table.Has(element.Name.Value))
                {
                    Problems.Add($"ALTER TABLE {table.Name} DROP COLUMN {element.Name.Value}: no such column");
                }
                Define(() => schema.DropColumn(table.Name, element.Name.Value));
            }
        }

        public override void ExplicitVisit(DropTableStatement node)
        {
            foreach (var name in node.Objects)
            {
                var table = name.BaseIdentifier.Value;
                if (!_local.Remove(table))
                {
                    if (ExistingTable(name, "DROP TABLE") is not null)
                    {
                        Define(() => schema.DropTable(table));
                    }
                }
            }
        }

        public override void ExplicitVisit(CreateIndexStatement node)
        {
            var table = ExistingTable(node.OnName, $"CREATE INDEX {node.Name.Value}");
            if (table is null)
            {
                return;
            }
            foreach (var column in node.Columns)
            {
                IndexColumn(table, column.Column);
            }
            foreach (var column in node.IncludeColumns)
            {
                IndexColumn(table, column);
            }
            if (node.FilterPredicate is not null)
            {
                var scope = new Scope(null);
                scope.Sources.Add(table);
                WithScope(scope, () => node.FilterPredicate.Accept(this));
            }
        }

        private void Define(Action change)
        {
            if (!applyDefinitions)
            {
                Problems.Add("a statement changes the schema outside the migration scripts");
                return;
            }
            change();
        }

        private void Constraint(Source table, ConstraintDefinition constraint)
        {
            switch (constraint)
            {
                case ForeignKeyConstraintDefinition foreign:
                    foreach (var column in foreign.Columns.Where(c => !table.Has(c.Value)))
                    {
                        Problems.Add($"a foreign key of {table.Name} names {column.Value}, which is not a column of {table.Name}");
                    }
                    var referenced = ExistingTable(foreign.ReferenceTableName, $"a foreign key of {table.Name}");
                    foreach (var column in foreign.ReferencedTableColumns.Where(c => referenced is not null && !referenced.Has(c.Value)))
                    {
                        Problems.Add($"a foreign key of {table.Name} references {referenced!.Name}.{column.Value}, which is not a column of {referenced.Name}");
                    }
                    break;
                case UniqueConstraintDefinition unique:
                    foreach (var column in unique.Columns)
                    {
                        IndexColumn(table, column.Column);
                    }
                    break;
                case CheckConstraintDefinition check:
                    var scope = new Scope(null);
                    scope.Sources.Add(table);
                    WithScope(scope, () => check.CheckCondition.Accept(this));
                    break;
            }
        }

        private void IndexColumn(Source table, ColumnReferenceExpression column)
        {
            var name = column.MultiPartIdentifier.Identifiers[^1].Value;
            if (!table.Has(name))
            {
                Problems.Add($"an index or key on {table.Name} names {name}, which is not a column of {table.Name}");
            }
        }

        private Source? ExistingTable(SchemaObjectName name, string where)
        {
            var table = name.BaseIdentifier.Value;
            if (_local.TryGetValue(table, out var local))
            {
                return local;
            }
            var columns = schema.Columns(table);
            if (columns is null)
            {
                Problems.Add($"{where}: unknown table {table} (the SQL Server scripts create no such table)");
                return null;
            }
            return new Source(table, "table", columns);
        }

        // Queries.

        private void Ctes(WithCtesAndXmlNamespaces? with)
        {
            foreach (var cte in with?.CommonTableExpressions ?? [])
            {
                var columns = Query(cte.QueryExpression, _scope);
                var name = cte.ExpressionName.Value;
                _ctes[name] = new Source(name, "common table expression", cte.Columns.Count > 0 ? cte.Columns.Select(c => c.Value).ToList() : columns);
            }
        }

        /// <summary>Binds a query in a scope below <paramref name="parent"/> and returns the names of what it selects, null when they cannot be known.</summary>
        private IReadOnlyList<string>? Query(QueryExpression query, Scope? parent)
        {
            IReadOnlyList<string>? columns;
            Scope? orderScope;
            switch (query)
            {
                case QuerySpecification spec:
                    var scope = new Scope(parent);
                    foreach (var reference in spec.FromClause?.TableReferences ?? [])
                    {
                        AddSource(reference, scope);
                    }
                    columns = null;
                    WithScope(scope, () =>
                    {
                        spec.TopRowFilter?.Accept(this);
                        foreach (var element in spec.SelectElements)
                        {
                            element.Accept(this);
                        }
                        spec.WhereClause?.Accept(this);
                        spec.GroupByClause?.Accept(this);
                        spec.HavingClause?.Accept(this);
                    });
                    columns = Selected(spec, scope);
                    orderScope = scope;
                    break;
                case QueryParenthesisExpression parenthesis:
                    columns = Query(parenthesis.QueryExpression, parent);
                    orderScope = new Scope(parent);
                    break;
                case BinaryQueryExpression binary:
                    columns = Query(binary.FirstQueryExpression, parent);
                    var second = Query(binary.SecondQueryExpression, parent);
                    if (columns is not null && second is not null && columns.Count != second.Count)
                    {
                        Problems.Add($"the two sides of {binary.BinaryQueryExpressionType} select {columns.Count} and {second.Count} columns");
                    }
                    orderScope = new Scope(parent);
                    break;
                default:
                    Problems.Add($"{query.GetType().Name} is not bound by this checker");
                    return null;
            }
            if (query.OffsetClause is not null && query.OrderByClause is null)
            {
                Problems.Add("OFFSET … FETCH without ORDER BY: SQL Server refuses it (\"Invalid usage of the option NEXT in the FETCH statement\"); order the rows first");
            }
            if (query.OrderByClause is not null)
            {
                foreach (var name in columns ?? [])
                {
                    orderScope.SelectAliases.Add(name);
                }
                orderScope.InOrderBy = true;
                WithScope(orderScope, () => query.OrderByClause.Accept(this));
                orderScope.InOrderBy = false;
            }
            WithScope(orderScope, () => query.OffsetClause?.Accept(this));
            return columns;
        }

        private List<string>? Selected(QuerySpecification spec, Scope scope)
        {
            var names = new List<string>();
            foreach (var element in spec.SelectElements)
            {
                switch (element)
                {
                    case SelectScalarExpression scalar:
                        names.Add(scalar.ColumnName?.Value
                            ?? (scalar.Expression is ColumnReferenceExpression { MultiPartIdentifier: { } id } ? id.Identifiers[^1].Value : ""));
                        break;
                    case SelectStarExpression star:
                        var sources = star.Qualifier is null
                            ? scope.Sources
                            : scope.Sources.Where(s => s.Name.Equals(star.Qualifier.Identifiers[^1].Value, StringComparison.OrdinalIgnoreCase)).ToList();
                        if (star.Qualifier is not null && sources.Count == 0)
                        {
                            Problems.Add($"{star.Qualifier.Identifiers[^1].Value}.* names no table or alias of the query");
                        }
                        if (sources.Any(s => s.Columns is null))
                        {
                            return null;
                        }
                        names.AddRange(sources.SelectMany(s => s.Columns!));
                        break;
                    default:
                        return null;
                }
            }
            return names;
        }

        private void AddSource(TableReference reference, Scope scope)
        {
            switch (reference)
            {
                case NamedTableReference named:
                    var source = Lookup(named.SchemaObject);
                    scope.Sources.Add(named.Alias is null ? source : source with { Name = named.Alias.Value, What = $"{source.What} {source.Name} aliased" });
                    break;
                case QueryDerivedTable derived:
                    var columns = Query(derived.QueryExpression, scope.Parent);
                    scope.Sources.Add(new Source(derived.Alias.Value, "derived table", derived.Columns.Count > 0 ? derived.Columns.Select(c => c.Value).ToList() : columns));
                    break;
                case QualifiedJoin join:
                    AddSource(join.FirstTableReference, scope);
                    AddSource(join.SecondTableReference, scope);
                    WithScope(scope, () => join.SearchCondition.Accept(this));
                    break;
                case UnqualifiedJoin unqualified:
                    AddSource(unqualified.FirstTableReference, scope);
                    if (unqualified.UnqualifiedJoinType is UnqualifiedJoinType.CrossApply or UnqualifiedJoinType.OuterApply
                        && unqualified.SecondTableReference is QueryDerivedTable applied)
                    {
                        // APPLY sees the tables to its left.
                        var appliedColumns = Query(applied.QueryExpression, scope);
                        scope.Sources.Add(new Source(applied.Alias.Value, "derived table", applied.Columns.Count > 0 ? applied.Columns.Select(c => c.Value).ToList() : appliedColumns));
                    }
                    else
                    {
                        AddSource(unqualified.SecondTableReference, scope);
                    }
                    break;
                case JoinParenthesisTableReference parenthesis:
                    AddSource(parenthesis.Join, scope);
                    break;
                case VariableTableReference variable:
                    Variables.Add(variable.Variable.Name);
                    scope.Sources.Add(_local.TryGetValue(variable.Variable.Name, out var table)
                        ? table with { Name = variable.Alias?.Value ?? variable.Variable.Name }
                        : new Source(variable.Alias?.Value ?? variable.Variable.Name, "table variable", null));
                    break;
                case TableReferenceWithAlias other:
                    // Functions returning tables (OPENJSON, STRING_SPLIT): their arguments are bound, their columns are not known.
                    WithScope(scope, () => other.AcceptChildren(this));
                    scope.Sources.Add(new Source(other.Alias?.Value ?? "", "table function", null));
                    break;
                default:
                    Problems.Add($"{reference.GetType().Name} is not bound by this checker");
                    break;
            }
        }

        private Source Lookup(SchemaObjectName name)
        {
            var table = name.BaseIdentifier.Value;
            if (name.SchemaIdentifier?.Value is { } owner && (owner.Equals("INFORMATION_SCHEMA", StringComparison.OrdinalIgnoreCase) || owner.Equals("sys", StringComparison.OrdinalIgnoreCase)))
            {
                // The catalogue: its views are SQL Server's own, and their columns are not in the scripts.
                return new Source(table, "catalogue view", null);
            }
            if (name.SchemaIdentifier is null && _ctes.TryGetValue(table, out var cte))
            {
                return cte;
            }
            if (_local.TryGetValue(table, out var local))
            {
                return local;
            }
            var columns = schema.Columns(table);
            if (columns is null)
            {
                Problems.Add($"unknown table {table} (the SQL Server scripts create no such table)");
            }
            return new Source(table, "table", columns);
        }

        // The table an INSERT writes.
        private Source? Target(TableReference target, Scope? scope)
        {
            switch (target)
            {
                case NamedTableReference named:
                    if (scope is not null && named.SchemaObject.Count == 1
                        && scope.Sources.FirstOrDefault(s => s.Name.Equals(named.SchemaObject.BaseIdentifier.Value, StringComparison.OrdinalIgnoreCase)) is { } aliased)
                    {
                        return aliased;
                    }
                    var source = Lookup(named.SchemaObject);
                    return source.Columns is null && source.What == "table" ? null : source;
                case VariableTableReference variable:
                    Variables.Add(variable.Variable.Name);
                    return _local.GetValueOrDefault(variable.Variable.Name);
                default:
                    Problems.Add($"{target.GetType().Name} as the target of a change is not bound by this checker");
                    return null;
            }
        }

        // The table an UPDATE or DELETE changes: an alias of its FROM clause, or a table that is then in scope by its name.
        private Source? ChangeTarget(TableReference target, FromClause? from, Scope scope)
        {
            foreach (var reference in from?.TableReferences ?? [])
            {
                AddSource(reference, scope);
            }
            var resolved = Target(target, scope);
            if (resolved is not null && !scope.Sources.Contains(resolved))
            {
                scope.Sources.Add(resolved);
            }
            return resolved;
        }

        private void Output(Source? target, OutputClause? output, OutputIntoClause? into, Scope? parent)
        {
            if (output is null && into is null)
            {
                return;
            }
            var scope = new Scope(parent);
            scope.Sources.Add(new Source("inserted", "OUTPUT row", target?.Columns));
            scope.Sources.Add(new Source("deleted", "OUTPUT row", target?.Columns));
            WithScope(scope, () =>
            {
                output?.Accept(this);
                into?.Accept(this);
            });
        }

        // Expressions.

        public override void ExplicitVisit(ScalarSubquery node) => Query(node.QueryExpression, _scope);

        public override void ExplicitVisit(VariableReference node) => Variables.Add(node.Name);

        public override void ExplicitVisit(FunctionCall node)
        {
            if (node.CallTarget is null && ForeignFunctions.TryGetValue(node.FunctionName.Value, out var instead))
            {
                Problems.Add($"{node.FunctionName.Value}() is not a SQL Server function: use {instead}");
            }
            var parameters = node.Parameters.AsEnumerable();
            if (DatePartFunctions.Contains(node.FunctionName.Value))
            {
                // DATEADD(day, …): the date part parses as a column name.
                parameters = parameters.Skip(1);
            }
            foreach (var parameter in parameters)
            {
                parameter.Accept(this);
            }
            node.OverClause?.Accept(this);
            node.WithinGroupClause?.Accept(this);
        }

        public override void ExplicitVisit(ColumnReferenceExpression node) => Column(node);

        private void Column(ColumnReferenceExpression node)
        {
            if (node.ColumnType != ColumnType.Regular || node.MultiPartIdentifier is null)
            {
                return;
            }
            var parts = node.MultiPartIdentifier.Identifiers;
            var column = parts[^1].Value;
            if (parts.Count == 1)
            {
                for (var scope = _scope; scope is not null; scope = scope.Parent)
                {
                    if (scope.InOrderBy && scope.SelectAliases.Contains(column))
                    {
                        return;
                    }
                    var having = scope.Sources.Where(s => s.Has(column)).ToList();
                    if (having.Count(s => s.Columns is not null) > 1 && having.All(s => s.Columns is not null))
                    {
                        Problems.Add($"column {column} is ambiguous: it is a column of {string.Join(" and ", having.Select(s => s.Name))}; qualify it");
                        return;
                    }
                    if (having.Count > 0)
                    {
                        return;
                    }
                }
                Problems.Add($"unknown column {column}: it is not a column of {InScope()}");
                return;
            }
            var qualifier = parts[^2].Value;
            for (var scope = _scope; scope is not null; scope = scope.Parent)
            {
                var source = scope.Sources.LastOrDefault(s => s.Name.Equals(qualifier, StringComparison.OrdinalIgnoreCase));
                if (source is not null)
                {
                    if (!source.Has(column))
                    {
                        Problems.Add($"{qualifier}.{column}: {column} is not a column of {source.What} {source.Name}");
                    }
                    return;
                }
            }
            Problems.Add($"{qualifier}.{column}: {qualifier} names no table or alias in scope ({InScope()})");
        }

        private string InScope()
        {
            var names = new List<string>();
            for (var scope = _scope; scope is not null; scope = scope.Parent)
            {
                names.AddRange(scope.Sources.Select(s => s.Name));
            }
            return names.Count == 0 ? "any table (the statement reads none)" : string.Join(", ", names.Distinct(StringComparer.OrdinalIgnoreCase));
        }

        private void WithScope(Scope scope, Action bind)
        {
            var outer = _scope;
            _scope = scope;
            try
            {
                bind();
            }
            finally
            {
                _scope = outer;
            }
        }
    }
}
