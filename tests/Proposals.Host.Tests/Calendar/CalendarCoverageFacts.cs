using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Calendar;

public sealed class CalendarCoverageFactsOnSqlite() : CalendarCoverageFacts(TestDatabases.Sqlite);

public sealed class CalendarCoverageFactsOnPostgres() : CalendarCoverageFacts(TestDatabases.Postgres);

/// <summary>
/// A year with no calendar loaded: readiness and the pages say so, and importing it counts the open deadlines in it again,
/// in the item's history. Times move with the host's clock; every expected date is counted by hand in the comments.
/// </summary>
public abstract class CalendarCoverageFacts(Func<TestDatabase> database) : ChainFacts(database)
{
    // The 2027 Spring Festival in the shape of the State Council's notices (the eve to the eighth day off, two weekend
    // days worked); the 2027 notice itself was not at hand when this was written, so the test names its own dates.
    private const string Calendar2027 = """
        date,kind,note
        2027-01-01,holiday,元旦
        2027-01-31,workday,春节调休上班
        2027-02-05,holiday,春节
        2027-02-06,holiday,春节
        2027-02-07,holiday,春节
        2027-02-08,holiday,春节
        2027-02-09,holiday,春节
        2027-02-10,holiday,春节
        2027-02-11,holiday,春节
        2027-02-12,holiday,春节
        2027-02-13,holiday,春节
        2027-02-20,workday,春节调休上班
        """;

    private static string Calendar2026() => File.ReadAllText(RepositoryPaths.File("db/calendars/cn-2026.csv"));

    private Task<HttpResponseMessage> ImportAsync(string text) =>
        C.Admin.Http.PostAsync("/api/calendar/import", new StringContent(text, Encoding.UTF8, "text/csv"));

    // Self-chosen (no topic), so that no topic's research deadline has to lie in the future.
    private async Task<long> SelfChosenDraftAsync(string title) =>
        (await ApiClient.Json(await C.Member.PostAsync("/api/proposals", new { title, summary = "摘要", body = "正文" }), HttpStatusCode.Created))["id"]!.GetValue<long>();

    private Task MoveToAsync(DateTimeOffset instant) => C.AdvanceAsync(instant - Host.Clock.GetUtcNow());

    private static JsonObject Decide(JsonObject proposal) =>
        proposal["openTasks"]!.AsArray().Single(t => t!["taskId"]!.GetValue<string>() == "decide")!.AsObject();

    [SkippableFact]
    public async Task Importing_2027_moves_a_decision_deadline_over_the_spring_festival_and_records_it_in_the_history()
    {
        // Wednesday 20 January 2027, 09:00 in Beijing; no 2027 calendar is loaded.
        await MoveToAsync(new DateTimeOffset(2027, 1, 20, 1, 0, 0, TimeSpan.Zero));
        var id = await SelfChosenDraftAsync("关于春节期间保障供应的建议");
        await C.Member.ActAsync(id, "submit-for-review");
        await C.PartyAdmin.ActAsync(id, "submit");
        var untouched = await SelfChosenDraftAsync("一件没有期限的草稿");
        // 20 working days after 20 January on weekends alone: 21–22 Jan (2), 25–29 (7), 1–5 Feb (12), 8–12 (17), 15–17 (20).
        Assert.Equal("2027-02-17", Decide(await C.Government.ProposalAsync(id))["dueDate"]!.GetValue<string>());
        var versionBefore = Chain.Version(await C.Government.ProposalAsync(id));
        var draftEventsBefore = Host.Scalar($"SELECT COUNT(*) FROM audit_events WHERE proposal_id = {untouched}");

        var imported = await ApiClient.Json(await ImportAsync(Calendar2027), HttpStatusCode.OK);

        Assert.Equal(1, imported["recomputedItems"]!.GetValue<int>());
        // Counted again on the 2027 calendar: 21–22 Jan (2), 25–29 (7), Sunday 31 Jan worked (8), 1–4 Feb (12), 5–13 Feb off,
        // 15–19 (17), Saturday 20 Feb worked (18), 22–23 (20).
        var after = await C.Government.ProposalAsync(id);
        var decide = Decide(after);
        Assert.Equal("2027-02-23", decide["dueDate"]!.GetValue<string>());
        Assert.Equal(versionBefore + 1, Chain.Version(after));
        // The step still began on 20 January, so a later import counts from there again.
        Assert.Equal(1, Host.Scalar($"SELECT COUNT(*) FROM tasks WHERE proposal_id = {id} AND task_id = 'decide' AND closed_at IS NULL AND opened_at < '2027-01-21'"));
        // Its reminder, 5 working days before, moved with it: back from 23 Feb over 22, the worked 20, 19, 18, 17 → 17 Feb, 09:00 Beijing (was 10 Feb).
        Assert.Equal(1, Host.Scalar($"SELECT COUNT(*) FROM reminders r JOIN tasks t ON t.id = r.task_row_id WHERE t.proposal_id = {id} AND t.closed_at IS NULL AND r.level = 'reminder' AND r.status = 'pending' AND r.due_at > '2027-02-16 12:00' AND r.due_at < '2027-02-17 12:00'"));

        var history = await ApiClient.JsonArray(await C.Government.GetAsync($"/api/proposals/{id}/history"), HttpStatusCode.OK);
        var recompute = history.Last()!;
        Assert.Equal("recompute-deadlines", recompute["action"]!.GetValue<string>());
        Assert.Contains("2027-02-17", recompute["data"]!.ToJsonString());
        Assert.Contains("2027-02-23", recompute["data"]!.ToJsonString());
        Assert.Equal(draftEventsBefore, Host.Scalar($"SELECT COUNT(*) FROM audit_events WHERE proposal_id = {untouched}"));

        var verified = await ApiClient.Json(await C.Admin.GetAsync("/api/admin/history/verify"), HttpStatusCode.OK);
        Assert.True(verified["intact"]!.GetValue<bool>(), verified.ToJsonString());

        // The same file again changes nothing: the deadlines already follow it.
        Assert.Equal(0, (await ApiClient.Json(await ImportAsync(Calendar2027), HttpStatusCode.OK))["recomputedItems"]!.GetValue<int>());
        Assert.Equal(Chain.Version(after), Chain.Version(await C.Government.ProposalAsync(id)));
    }

    [SkippableFact]
    public async Task Readiness_is_degraded_from_november_until_next_year_is_loaded()
    {
        Assert.Equal(HttpStatusCode.OK, (await ImportAsync(Calendar2026())).StatusCode);
        var october = await ApiClient.Json(await C.Admin.GetAsync("/health/ready"), HttpStatusCode.OK);
        Assert.Equal("Healthy", october["checks"]!["calendar"]!["status"]!.GetValue<string>());

        // 1 November 2026 has begun in Beijing (16:30 UTC on 31 October).
        await MoveToAsync(new DateTimeOffset(2026, 10, 31, 16, 30, 0, TimeSpan.Zero));
        var november = await ApiClient.Json(await C.Admin.GetAsync("/health/ready"), HttpStatusCode.OK);
        Assert.Equal("Degraded", november["status"]!.GetValue<string>());
        Assert.Equal("Degraded", november["checks"]!["calendar"]!["status"]!.GetValue<string>());
        Assert.Equal([2027], november["checks"]!["calendar"]!["data"]!["missing"]!.AsArray().Select(y => y!.GetValue<int>()));
        Assert.Contains("2027", november["checks"]!["calendar"]!["description"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.OK, (await ImportAsync(Calendar2027)).StatusCode);
        var covered = await ApiClient.Json(await C.Admin.GetAsync("/health/ready"), HttpStatusCode.OK);
        Assert.Equal("Healthy", covered["checks"]!["calendar"]!["status"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task The_admin_page_and_the_board_warn_of_a_missing_year()
    {
        using var admin = new PageClient(Host);
        await admin.SignInAsync("admin");
        using var supervisor = new PageClient(Host);
        await supervisor.SignInAsync("dcs.supervisor");

        Assert.Contains("工作日历缺少 2026 年", await admin.GetAsync("/admin"));
        Assert.Contains("提示：2026 年的节假日尚未导入", await supervisor.GetAsync("/supervision"));

        Assert.Equal(HttpStatusCode.OK, (await ImportAsync(Calendar2026())).StatusCode);
        Assert.DoesNotContain("calendar-coverage", await admin.GetAsync("/admin"));
        Assert.DoesNotContain("calendar-coverage", await supervisor.GetAsync("/supervision"));
        var page = await admin.GetAsync("/admin/calendar?year=2026");
        Assert.Contains("<td>2026</td>", page.Replace("<a href=\"/admin/calendar?year=2026\">2026</a>", "2026", StringComparison.Ordinal));
        Assert.Contains("<td>33</td><td>6</td>", page);
        Assert.Contains("2026-10-10", page);
    }

    [SkippableFact]
    public async Task A_refused_file_on_the_calendar_page_lists_its_bad_lines_and_imports_nothing()
    {
        using var admin = new PageClient(Host);
        await admin.SignInAsync("admin");
        var page = await admin.GetAsync("/admin/calendar");
        using var form = new MultipartFormDataContent
        {
            { new StringContent(PageClient.AntiforgeryToken(page)), "__RequestVerificationToken" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes("date,kind,note\n2027-02-05,holiday,春节\n2027-02-30,holiday,坏日期\n2027-02-06,rest,坏类型\n")), "file", "cn-2027.csv" },
        };

        var response = await admin.Http.PostAsync("/admin/calendar", form);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var text = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("cn-2027.csv:3: '2027-02-30' is not a date", text);
        Assert.Contains("cn-2027.csv:4: kind 'rest' is neither holiday nor workday", text);
        Assert.Equal(0, Host.Scalar("SELECT COUNT(*) FROM calendar_days"));
    }

    [SkippableFact]
    public async Task On_31_december_at_17_utc_the_current_year_is_already_2027()
    {
        Assert.Equal(HttpStatusCode.OK, (await ImportAsync(Calendar2027)).StatusCode);
        await MoveToAsync(new DateTimeOffset(2026, 12, 31, 17, 0, 0, TimeSpan.Zero));

        var days = await ApiClient.JsonArray(await C.Admin.GetAsync("/api/calendar"), HttpStatusCode.OK);
        Assert.Equal(12, days.Count);
        using var committee = new PageClient(Host);
        await committee.SignInAsync("tzb.admin");
        Assert.Contains("value=\"2027\"", await committee.GetAsync("/topics"));
    }
}
