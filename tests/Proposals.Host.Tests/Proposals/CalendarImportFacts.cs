using System.Net;
using System.Text;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Proposals;

public sealed class CalendarImportFactsOnSqlite() : CalendarImportFacts(TestDatabases.Sqlite);

public sealed class CalendarImportFactsOnPostgres() : CalendarImportFacts(TestDatabases.Postgres);

public sealed class CalendarImportFactsOnSqlServer() : CalendarImportFacts(TestDatabases.SqlServer);

public abstract class CalendarImportFacts(Func<TestDatabase> database) : ChainFacts(database)
{
    private static string ShippedCalendar() => File.ReadAllText(RepositoryPaths.File("db/calendars/cn-2026.csv"));

    private static Task<HttpResponseMessage> ImportAsync(ApiClient user, string text, bool dryRun = false) =>
        user.Http.PostAsync($"/api/calendar/import?dryRun={dryRun.ToString().ToLowerInvariant()}", new StringContent(text, Encoding.UTF8, "text/csv"));

    [SkippableFact]
    public async Task The_administrator_imports_the_shipped_year_and_deadlines_follow_it()
    {
        var check = await ApiClient.Json(await ImportAsync(C.Admin, ShippedCalendar(), dryRun: true), HttpStatusCode.OK);
        Assert.Equal(39, check["days"]!.GetValue<int>());
        Assert.Equal(0, Host.Scalar("SELECT COUNT(*) FROM calendar_days"));

        var imported = await ApiClient.Json(await ImportAsync(C.Admin, ShippedCalendar()), HttpStatusCode.OK);
        Assert.Equal(33, imported["holidays"]!.GetValue<int>());
        Assert.Equal(6, imported["workdays"]!.GetValue<int>());
        Assert.Equal(39, (await ApiClient.JsonArray(await C.Admin.GetAsync("/api/calendar?year=2026"), HttpStatusCode.OK)).Count);

        // Submitted on Thursday 30 April: the May holiday and its make-up Saturday shape the 20-working-day decision deadline.
        await C.AdvanceAsync(new DateTimeOffset(2026, 4, 30, 1, 0, 0, TimeSpan.Zero) - Host.Clock.GetUtcNow());
        var id = await C.SubmittedAsync();
        var decide = (await C.Government.ProposalAsync(id))["openTasks"]!.AsArray().Single(t => t!["taskId"]!.GetValue<string>() == "decide")!;
        Assert.Equal("2026-06-01", decide["dueDate"]!.GetValue<string>()); // 6–8 May, the make-up 9 May, then 16 more working days
    }

    [SkippableFact]
    public async Task A_file_with_errors_is_refused_line_by_line_and_nothing_is_imported()
    {
        var problem = await ApiClient.Json(await ImportAsync(C.Admin, "date,kind,note\n2026-10-01,holiday,国庆节\n2026-10-32,holiday,坏日期\n"), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("calendar:3:", problem["errors"]!["file"]![0]!.GetValue<string>());
        Assert.Equal(0, Host.Scalar("SELECT COUNT(*) FROM calendar_days"));
        Assert.Equal(HttpStatusCode.Forbidden, (await ImportAsync(C.Government, ShippedCalendar())).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await C.Admin.Http.PostAsync("/api/calendar/import?dryRun=perhaps", new StringContent("", Encoding.UTF8, "text/csv"))).StatusCode);
        Assert.Equal(0, Host.Scalar("SELECT COUNT(*) FROM calendar_days"));
    }
}
