using Proposals.Data.Organizations;

namespace Proposals.Data.Tests.SqlServer;

/// <summary>The checker itself: each kind of mistake it is there to catch, planted in an otherwise good statement.</summary>
public sealed class SqlServerCheckerFacts
{
    private static readonly SqlServerSchema Schema = SqlServerSchema.Shipped();

    [Theory]
    [InlineData("SELECT id FROM proposal WHERE id = @id", "unknown table proposal")]
    [InlineData("SELECT id, titel FROM proposals WHERE id = @id", "unknown column titel")]
    [InlineData("SELECT p.id FROM proposals p JOIN tasks t ON t.proposal_id = p.id WHERE t.party_id = @id", "t.party_id: party_id is not a column of table tasks aliased t")]
    [InlineData("SELECT p.id FROM proposals p WHERE x.id = @id", "x.id: x names no table or alias in scope")]
    [InlineData("INSERT INTO job_runs (job, run_key, at) VALUES (@job, @key)", "INSERT INTO job_runs names 3 column(s) but gives 2 value(s)")]
    [InlineData("INSERT INTO job_runs (job, run_key, run_at) VALUES (@job, @key, @at)", "run_at is not a column of table job_runs")]
    [InlineData("UPDATE users SET lock_until = @at WHERE id = @id", "UPDATE users SET lock_until: lock_until is not a column of table users")]
    [InlineData("SELECT id FROM proposals OFFSET @Offset ROWS FETCH NEXT @Limit ROWS ONLY", "OFFSET … FETCH without ORDER BY")]
    [InlineData("SELECT id FROM proposals ORDER BY id LIMIT 10", "LIMIT at line 1, column 38 is not T-SQL")]
    [InlineData("SELECT id FROM proposals p LIMIT 10", "LIMIT at line 1, column 28 is not T-SQL")]
    [InlineData("INSERT INTO job_runs (job, run_key, at) VALUES (@job, @key, @at) RETURNING job", "RETURNING at line 1, column 66 is not T-SQL")]
    [InlineData("INSERT INTO job_runs (job, run_key, at) VALUES (@job, @key, @at) ON CONFLICT DO NOTHING", "ON CONFLICT at line 1, column 66 is not T-SQL")]
    [InlineData("SELECT id FROM proposals WHERE title ILIKE @text", "ILIKE at line 1, column 38 is not T-SQL")]
    [InlineData("SELECT id::text FROM proposals", ":: at line 1, column 10 is a PostgreSQL cast")]
    [InlineData("SELECT id FROM proposals WHERE party_id = @party AND year = @yaer", "parameter @yaer is used but the command does not supply it")]
    [InlineData("SELECT id FROM proposals WHERE", "does not parse as T-SQL")]
    [InlineData("SELECT id FROM proposals WHERE id IN (SELECT proposal_id FROM tasks OFFSET 0 ROWS) ORDER BY id", "OFFSET … FETCH without ORDER BY at line 1, column 69")]
    [InlineData("SELECT p.id FROM proposals p JOIN tasks t ON t.proposal_id = p.id WHERE id = @party", "column id is ambiguous")]
    [InlineData("WITH open_tasks AS (SELECT proposal_id FROM tasks) SELECT o.due_at FROM open_tasks o", "o.due_at: due_at is not a column of common table expression open_tasks aliased o")]
    [InlineData("SELECT d.n FROM (SELECT COUNT(*) AS total FROM tasks) d", "d.n: n is not a column of derived table d")]
    [InlineData("UPDATE reminders SET status = 'sent' OUTPUT INSERTED.sent WHERE id = @party", "inserted.sent: sent is not a column of OUTPUT row inserted")]
    public void A_planted_mistake_is_reported_with_what_is_wrong(string sql, string expected)
    {
        var problems = SqlServerChecker.Check(Schema, sql, ["party", "id", "job", "key", "at", "text", "Offset", "Limit"]);

        Assert.True(problems.Any(p => p.Contains(expected, StringComparison.OrdinalIgnoreCase)),
            $"expected a problem containing \"{expected}\", got:\n{string.Join("\n", problems)}");
    }

    [Theory]
    [InlineData("SELECT p.id, p.title AS heading FROM proposals p JOIN tasks t ON t.proposal_id = p.id WHERE t.organization_id = @party ORDER BY heading OFFSET @Offset ROWS FETCH NEXT @Limit ROWS ONLY")]
    [InlineData("WITH batch AS (SELECT TOP (@Limit) * FROM reminders WITH (READPAST, UPDLOCK, ROWLOCK) WHERE status = 'pending' ORDER BY due_at) UPDATE batch SET claimed_by = @id OUTPUT INSERTED.id, INSERTED.level")]
    [InlineData("SELECT d.total FROM (SELECT COUNT(*) AS total FROM tasks t WHERE EXISTS (SELECT 1 FROM proposals p WHERE p.id = t.proposal_id)) d")]
    [InlineData("DECLARE @result int; EXEC @result = sp_getapplock @Resource = @id, @LockMode = 'Exclusive'; SELECT @result;")]
    [InlineData("DECLARE @ids TABLE (id bigint); INSERT INTO @ids (id) SELECT id FROM tasks WHERE proposal_id = @id; SELECT i.id FROM @ids i;")]
    [InlineData("CREATE TABLE #open (id bigint); INSERT INTO #open (id) SELECT id FROM tasks; SELECT o.id FROM #open o; DROP TABLE #open;")]
    [InlineData("SELECT DATEADD(day, 1, due_date) AS next_day FROM tasks WHERE id = @id")]
    [InlineData("DELETE FROM user_roles OUTPUT DELETED.role WHERE user_id = @id")]
    public void A_good_statement_gives_no_problem(string sql)
    {
        var problems = SqlServerChecker.Check(Schema, sql, ["party", "id", "Offset", "Limit"]);

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_query_the_migration_facts_list_sql_server_tables_with_binds_and_the_postgres_one_would_not()
    {
        Assert.Empty(SqlServerChecker.Check(Schema, Migrations.MigrationFacts.TablesQuery(DatabaseProvider.SqlServer), []));

        var postgres = SqlServerChecker.Check(Schema, Migrations.MigrationFacts.TablesQuery(DatabaseProvider.PostgreSql), []);

        Assert.Contains(postgres, p => p.Contains("current_schema() is not a SQL Server function: use SCHEMA_NAME()", StringComparison.Ordinal));
    }

    [Fact]
    public void A_migration_script_naming_a_missing_table_or_column_is_reported()
    {
        var schema = SqlServerSchema.Shipped();

        var problems = SqlServerChecker.Apply(schema, """
            ALTER TABLE usr ADD nickname nvarchar(64) NULL;
            GO
            CREATE INDEX ix_users_nick ON users (nick_name);
            ALTER TABLE users DROP COLUMN lockd_until;
            """);

        Assert.Contains(problems, p => p.Contains("unknown table usr", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("names nick_name, which is not a column of users", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("DROP COLUMN lockd_until: no such column", StringComparison.Ordinal));
    }

    [Fact]
    public void A_column_a_script_adds_is_known_to_the_statements_after_it()
    {
        var schema = SqlServerSchema.Shipped();
        Assert.NotEmpty(SqlServerChecker.Check(schema, "SELECT nickname FROM users", []));

        Assert.Empty(SqlServerChecker.Apply(schema, "ALTER TABLE users ADD nickname nvarchar(64) NULL;"));

        Assert.Empty(SqlServerChecker.Check(schema, "SELECT nickname FROM users", []));
    }

    [Fact]
    public async Task A_store_method_that_sent_no_recorded_statement_is_reported()
    {
        var statements = new List<RecordedStatement>();
        var database = new Database(DatabaseProvider.SqlServer, "Server=recording", new RecordingSqlServerDialect(statements));

        await new OrganizationStore(database).ListAsync(CancellationToken.None);
        var unrecorded = StoreCoverage.Unrecorded(statements);

        Assert.Contains("OrganizationStore.ListAsync", statements.Single().Senders);
        Assert.DoesNotContain("OrganizationStore.ListAsync", unrecorded);
        Assert.Contains("OrganizationStore.EnsureAsync", unrecorded);
        Assert.Contains("UserStore.FindByNameAsync", unrecorded);
        Assert.Contains("OutboxStore.InsertAsync", unrecorded);
    }
}
