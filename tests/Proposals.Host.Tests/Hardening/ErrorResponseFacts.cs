using System.Net;
using Dapper;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Hardening;

public sealed class ErrorResponseFactsOnSqlite() : ErrorResponseFacts(TestDatabases.Sqlite);

public sealed class ErrorResponseFactsOnPostgres() : ErrorResponseFacts(TestDatabases.Postgres);

/// <summary>A failure inside the service answers with a plain problem, never with the exception, a stack trace or SQL.</summary>
public abstract class ErrorResponseFacts(Func<TestDatabase> database) : ChainFacts(database)
{
    [SkippableFact]
    public async Task A_broken_database_gives_a_problem_without_stack_trace_or_sql_outside_development()
    {
        await C.DraftAsync();
        var database = Database.Open();
        await using (var connection = await database.OpenAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync("DROP TABLE topic_parties");
        }

        foreach (var url in new[] { "/api/topics", "/api/stats?year=2026" })
        {
            var response = await C.Committee.GetAsync(url);
            var body = await response.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            foreach (var leak in new[] { "topic_parties", "Exception", "   at ", "SELECT", "Proposals.Data", "SQLite", "Npgsql" })
            {
                Assert.DoesNotContain(leak, body, StringComparison.OrdinalIgnoreCase);
            }
        }
    }
}
